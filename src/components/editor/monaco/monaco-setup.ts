import { loader } from "@monaco-editor/react";

/** Typed from monaco-editor itself: @monaco-editor/react's own type misses 0.57's export map. */
export type Monaco = typeof import("monaco-editor");

// Quarry serves Monaco itself (scripts/vendor-assets.mjs copies it to public/vendor):
// nothing is fetched from a CDN, so the editor works offline and air-gapped.
loader.config({ paths: { vs: "/vendor/monaco/vs" } });

export const MONACO_THEMES = { light: "quarry-light", dark: "quarry-dark" } as const;

let defined = false;

/** Themes that sit on Mantine's surfaces (white / dark-7) with the brand's teal. */
export function defineQuarryThemes(monaco: Monaco): void {
  if (defined) return;
  defined = true;
  monaco.editor.defineTheme(MONACO_THEMES.light, {
    base: "vs",
    inherit: true,
    rules: [
      { token: "keyword", foreground: "007e72", fontStyle: "bold" },
      { token: "string", foreground: "b35900" },
      { token: "number", foreground: "1864ab" },
      { token: "comment", foreground: "868e96", fontStyle: "italic" },
      { token: "predefined", foreground: "862e9c" },
      { token: "operator", foreground: "495057" },
    ],
    colors: {
      "editor.background": "#ffffff",
      "editorGutter.background": "#ffffff",
      "editor.lineHighlightBackground": "#f1f3f5",
      "editor.lineHighlightBorder": "#00000000",
      "editorLineNumber.foreground": "#adb5bd",
      "editorLineNumber.activeForeground": "#495057",
      "editor.selectionBackground": "#ace3dc",
      "editorCursor.foreground": "#007e72",
    },
  });
  monaco.editor.defineTheme(MONACO_THEMES.dark, {
    base: "vs-dark",
    inherit: true,
    rules: [
      { token: "keyword", foreground: "5ac6b9", fontStyle: "bold" },
      { token: "string", foreground: "ffc078" },
      { token: "number", foreground: "74c0fc" },
      { token: "comment", foreground: "868e96", fontStyle: "italic" },
      { token: "predefined", foreground: "e599f7" },
      { token: "operator", foreground: "ced4da" },
    ],
    colors: {
      "editor.background": "#242424",
      "editorGutter.background": "#242424",
      "editor.lineHighlightBackground": "#2e2e2e",
      "editor.lineHighlightBorder": "#00000000",
      "editorLineNumber.foreground": "#5c5f66",
      "editorLineNumber.activeForeground": "#c1c2c5",
      "editor.selectionBackground": "#0f5e56",
      "editorCursor.foreground": "#5ac6b9",
    },
  });
}

export const EDITOR_FONT =
  "ui-monospace, SFMono-Regular, 'SF Mono', Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace";
