"use client";
import Editor from "@monaco-editor/react";
import { Input, Textarea, useComputedColorScheme } from "@mantine/core";
import { useId } from "react";
import { defineQuarryThemes, EDITOR_FONT, MONACO_THEMES, type Monaco } from "@/components/editor/monaco/monaco-setup";

interface SqlCodeFieldProps {
  label: string;
  description?: string;
  required?: boolean;
  value: string;
  placeholder?: string;
  onChange(value: string): void;
}

/**
 * A module's SQL config (`format: "code"`) in Monaco, as in the editor: highlighting,
 * brackets, undo. The textarea it shows while Monaco loads is editable too, so a slow
 * network never blocks the form.
 */
export function SqlCodeField({ label, description, required, value, placeholder, onChange }: SqlCodeFieldProps) {
  const scheme = useComputedColorScheme("light");
  const id = useId();
  const lines = Math.max(4, Math.min(14, value.split("\n").length + 1));
  return (
    <Input.Wrapper label={label} description={description} required={required} id={id} data-testid="sql-code-field">
      <div style={{ height: lines * 20 + 16, border: "1px solid var(--mantine-color-default-border)", borderRadius: "var(--mantine-radius-sm)", overflow: "hidden" }}>
        <Editor
          value={value}
          language="sql"
          theme={scheme === "dark" ? MONACO_THEMES.dark : MONACO_THEMES.light}
          beforeMount={(monaco: unknown) => defineQuarryThemes(monaco as Monaco)}
          onChange={(v) => onChange(v ?? "")}
          loading={<Textarea aria-label={label} w="100%" autosize minRows={4} value={value} placeholder={placeholder} onChange={(e) => onChange(e.currentTarget.value)} styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", border: 0 } }} />}
          options={{
            ariaLabel: label,
            minimap: { enabled: false },
            scrollBeyondLastLine: false,
            lineNumbers: "off",
            glyphMargin: false,
            folding: false,
            renderLineHighlight: "none",
            fontFamily: EDITOR_FONT,
            fontSize: 12.5,
            lineHeight: 20,
            padding: { top: 8, bottom: 8 },
            automaticLayout: true,
            wordWrap: "on",
            tabSize: 2,
            contextmenu: false,
            fixedOverflowWidgets: true,
            scrollbar: { alwaysConsumeMouseWheel: false },
          }}
        />
      </div>
    </Input.Wrapper>
  );
}
