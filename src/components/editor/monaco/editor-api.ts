import type { Monaco } from "./monaco-setup";
import type { editor } from "monaco-editor";
import { errorOffset, guessOffset } from "./error-location";
import { statementAt } from "@/lib/sql-statements";
import type { ErrorDetails } from "@/components/ui/feedback";

export type RunMode = "smart" | "selection" | "all";

/** A piece of the editor's text to run, with where it starts so errors map back. */
export interface RunTarget {
  sql: string;
  /** Offset of `sql` in the model, for markers and highlighting. */
  baseOffset: number;
  modelUri: string;
}

export interface EditorApi {
  focus(): void;
  getValue(): string;
  hasSelection(): boolean;
  runTarget(mode: RunMode): RunTarget | null;
  /** Replaces the text (or the selection) with one undoable edit. */
  replace(text: string, scope: "all" | "selection"): void;
  insertAtCursor(text: string): void;
  showRunning(target: RunTarget | null): void;
  /** Marks an error where its position is known; returns its 1-based line and column in the editor, or null (nothing marked). */
  markError(target: RunTarget, message: string, details: ErrorDetails | undefined): { line: number; column: number } | null;
  clearMarkers(): void;
  reveal(line: number, column: number): void;
  /** Frees a closed tab's model (its text and undo history). */
  disposeModel(path: string): void;
}

const OWNER = "quarry-run";

export function createEditorApi(ed: editor.IStandaloneCodeEditor, monaco: Monaco): EditorApi {
  const running = ed.createDecorationsCollection();
  const model = () => ed.getModel();
  const selectionText = () => {
    const m = model();
    const sel = ed.getSelection();
    return m && sel && !sel.isEmpty() ? m.getValueInRange(sel) : "";
  };

  return {
    focus: () => ed.focus(),
    getValue: () => model()?.getValue() ?? "",
    hasSelection: () => selectionText().trim().length > 0,
    runTarget(mode) {
      const m = model();
      if (!m) return null;
      const text = m.getValue();
      const sel = ed.getSelection();
      const uri = m.uri.toString();
      if ((mode === "selection" || mode === "smart") && sel && !sel.isEmpty()) {
        const raw = m.getValueInRange(sel);
        const lead = raw.length - raw.trimStart().length;
        if (raw.trim()) return { sql: raw.trim(), baseOffset: m.getOffsetAt(sel.getStartPosition()) + lead, modelUri: uri };
        if (mode === "selection") return null;
      }
      if (mode === "selection") return null;
      if (mode === "smart") {
        const span = statementAt(text, m.getOffsetAt(ed.getPosition() ?? { lineNumber: 1, column: 1 }));
        return span ? { sql: span.text, baseOffset: span.start, modelUri: uri } : null;
      }
      const lead = text.length - text.trimStart().length;
      return text.trim() ? { sql: text.trim(), baseOffset: lead, modelUri: uri } : null;
    },
    replace(text, scope) {
      const m = model();
      if (!m) return;
      const sel = ed.getSelection();
      const range = scope === "selection" && sel && !sel.isEmpty() ? sel : m.getFullModelRange();
      ed.pushUndoStop();
      ed.executeEdits("quarry", [{ range, text, forceMoveMarkers: true }]);
      ed.pushUndoStop();
      ed.focus();
    },
    insertAtCursor(text) {
      const sel = ed.getSelection();
      if (!sel) return;
      ed.executeEdits("quarry", [{ range: sel, text, forceMoveMarkers: true }]);
      ed.focus();
    },
    showRunning(target) {
      const m = model();
      if (!target || !m || m.uri.toString() !== target.modelUri) {
        running.clear();
        return;
      }
      const start = m.getPositionAt(target.baseOffset);
      const end = m.getPositionAt(target.baseOffset + target.sql.length);
      running.set([
        {
          range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column),
          options: { className: "quarry-running-statement", isWholeLine: false, stickiness: 1 },
        },
      ]);
    },
    markError(target, message, details) {
      const m = monaco.editor.getModel(monaco.Uri.parse(target.modelUri));
      if (!m) return null;
      const local = errorOffset(target.sql, details) ?? guessOffset(target.sql, message);
      // Without a position nothing is marked: a squiggle under the whole statement says nothing.
      if (local === null) return null;
      const startOffset = target.baseOffset + local;
      const start = m.getPositionAt(startOffset);
      const word = m.getWordAtPosition(start);
      let end = word && word.startColumn <= start.column ? new monaco.Position(start.lineNumber, word.endColumn) : m.getPositionAt(startOffset + 1);
      if (end.lineNumber === start.lineNumber && end.column <= start.column) end = m.getPositionAt(startOffset + 1);
      monaco.editor.setModelMarkers(m, OWNER, [
        {
          severity: monaco.MarkerSeverity.Error,
          message,
          startLineNumber: start.lineNumber,
          startColumn: start.column,
          endLineNumber: end.lineNumber,
          endColumn: end.column,
        },
      ]);
      return { line: start.lineNumber, column: start.column };
    },
    clearMarkers() {
      for (const m of monaco.editor.getModels()) monaco.editor.setModelMarkers(m, OWNER, []);
    },
    reveal(line, column) {
      ed.revealPositionInCenterIfOutsideViewport({ lineNumber: line, column });
      ed.setPosition({ lineNumber: line, column });
      ed.focus();
    },
    disposeModel(path) {
      const m = monaco.editor.getModel(monaco.Uri.parse(path));
      if (m && m !== ed.getModel()) m.dispose();
    },
  };
}
