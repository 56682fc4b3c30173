"use client";
import Editor from "@monaco-editor/react";
import { Code, useComputedColorScheme } from "@mantine/core";
import { defineQuarryThemes, EDITOR_FONT, MONACO_THEMES, type Monaco } from "@/components/editor/monaco/monaco-setup";

/** Read-only, highlighted SQL (Monaco, served by Quarry); plain text while it loads. */
export function SqlViewer({ sql }: { sql: string }) {
  const scheme = useComputedColorScheme("light");
  const lines = sql.split("\n").length;
  const height = Math.min(320, lines * 20 + 24);
  return (
    <div style={{ height }} data-testid="shared-sql">
      <Editor
        value={sql}
        language="sql"
        theme={scheme === "dark" ? MONACO_THEMES.dark : MONACO_THEMES.light}
        beforeMount={(monaco: unknown) => defineQuarryThemes(monaco as Monaco)}
        loading={
          <Code block w="100%" h="100%" style={{ background: "transparent" }}>
            {sql}
          </Code>
        }
        options={{
          readOnly: true,
          domReadOnly: true,
          minimap: { enabled: false },
          scrollBeyondLastLine: false,
          lineNumbers: "on",
          renderLineHighlight: "none",
          fontFamily: EDITOR_FONT,
          fontSize: 13,
          lineHeight: 20,
          padding: { top: 12, bottom: 12 },
          automaticLayout: true,
          contextmenu: false,
          folding: false,
          scrollbar: { alwaysConsumeMouseWheel: false },
          ariaLabel: "Shared SQL (read-only)",
        }}
      />
    </div>
  );
}
