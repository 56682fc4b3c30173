"use client";
import Editor, { type OnMount } from "@monaco-editor/react";
import { Center, Loader, useComputedColorScheme } from "@mantine/core";
import type { editor, IDisposable } from "monaco-editor";
import { useEffect, useRef } from "react";
import { createEditorApi, type EditorApi, type RunMode } from "./editor-api";
import { defineQuarryThemes, EDITOR_FONT, MONACO_THEMES, type Monaco } from "./monaco-setup";
import { registerSqlCompletion, type CompletionSource } from "./sql-completion";

export interface EditorCommands {
  run(mode: RunMode): void;
  format(): void;
  save(): void;
}

interface SqlEditorProps {
  /** One Monaco model per tab; switching the path keeps each tab's undo and scroll. */
  path: string;
  defaultValue: string;
  onChange: (value: string) => void;
  onReady: (api: EditorApi | null) => void;
  onSelectionChange: (hasSelection: boolean) => void;
  commands: EditorCommands;
  completion: CompletionSource;
}

const OPTIONS: editor.IStandaloneEditorConstructionOptions = {
  fontFamily: EDITOR_FONT,
  fontSize: 13.5,
  lineHeight: 21,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  automaticLayout: true,
  padding: { top: 12, bottom: 12 },
  tabSize: 2,
  renderLineHighlight: "all",
  fixedOverflowWidgets: true,
  smoothScrolling: true,
  wordBasedSuggestions: "off",
  suggest: { showWords: false, preview: true },
  quickSuggestions: { other: true, comments: false, strings: false },
  "semanticHighlighting.enabled": false,
  scrollbar: { verticalScrollbarSize: 10, horizontalScrollbarSize: 10 },
  ariaLabel: "SQL editor",
};

export function SqlEditor({ path, defaultValue, onChange, onReady, onSelectionChange, commands, completion }: SqlEditorProps) {
  const scheme = useComputedColorScheme("light");
  // Monaco keeps the handlers it was given at mount; these refs hand it the latest ones.
  const commandsRef = useRef(commands);
  const completionRef = useRef(completion);
  const selectionRef = useRef(onSelectionChange);
  useEffect(() => {
    commandsRef.current = commands;
    completionRef.current = completion;
    selectionRef.current = onSelectionChange;
  });
  const disposables = useRef<IDisposable[]>([]);

  useEffect(
    () => () => {
      for (const d of disposables.current) d.dispose();
      disposables.current = [];
      onReady(null);
    },
    [onReady],
  );

  const beforeMount = (monaco: unknown) => defineQuarryThemes(monaco as Monaco);

  const onMount: OnMount = (ed, loose) => {
    const monaco = loose as Monaco;
    const { KeyMod, KeyCode } = monaco;
    ed.addAction({
      id: "quarry.run",
      label: "Run statement or selection",
      keybindings: [KeyMod.CtrlCmd | KeyCode.Enter],
      run: () => commandsRef.current.run("smart"),
    });
    ed.addAction({
      id: "quarry.runAll",
      label: "Run the whole script",
      keybindings: [KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.Enter],
      run: () => commandsRef.current.run("all"),
    });
    ed.addAction({
      id: "quarry.format",
      label: "Format SQL",
      keybindings: [KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyF],
      run: () => commandsRef.current.format(),
    });
    ed.addAction({
      id: "quarry.save",
      label: "Save query",
      keybindings: [KeyMod.CtrlCmd | KeyCode.KeyS],
      run: () => commandsRef.current.save(),
    });
    disposables.current.push(
      registerSqlCompletion(monaco, {
        tables: () => completionRef.current.tables(),
        engine: () => completionRef.current.engine(),
        aliases: () => completionRef.current.aliases?.() ?? [],
      }),
      ed.onDidChangeCursorSelection((e) => selectionRef.current(!e.selection.isEmpty())),
    );
    onReady(createEditorApi(ed, monaco));
    ed.focus();
  };

  return (
    <Editor
      path={path}
      defaultLanguage="sql"
      defaultValue={defaultValue}
      theme={scheme === "dark" ? MONACO_THEMES.dark : MONACO_THEMES.light}
      options={OPTIONS}
      beforeMount={beforeMount}
      onMount={onMount}
      onChange={(value) => onChange(value ?? "")}
      loading={
        <Center h="100%" aria-busy="true">
          <Loader size="sm" type="dots" role="status" aria-label="Loading the editor" />
        </Center>
      }
    />
  );
}
