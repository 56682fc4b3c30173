"use client";
import { ActionIcon, CopyButton, Tooltip } from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";
import { useMemo } from "react";
import classes from "./sql-code.module.css";

/**
 * Read-only SQL with syntax colours. A reviewer reads one statement; a small tokenizer
 * does that without loading Monaco (megabytes) into the inbox.
 */
const KEYWORDS = new Set(
  `select from where update set insert into values delete create table alter drop add column index view and or not null is in
  like ilike between join left right inner outer full cross on as order by group having limit offset distinct union all case when
  then else end returning with primary key foreign references default constraint unique check truncate rename to if exists
  cascade begin commit rollback true false asc desc except intersect using grant revoke replace merge matched conflict do nothing
  temporary temp schema database sequence trigger function procedure exec execute call lateral recursive over partition window
  filter nulls first last cast collate escape some any`
    .split(/\s+/)
    .filter(Boolean),
);

type Kind = "keyword" | "function" | "string" | "number" | "comment" | "identifier" | "operator" | "plain";

const TOKEN =
  /(--[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|('(?:[^']|'')*'?)|("(?:[^"]|"")*"?|`[^`]*`?)|(\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b)|([A-Za-z_][A-Za-z0-9_$]*)|(\s+)|([^\sA-Za-z0-9_])|([\s\S])/giy;

export function tokenize(sql: string): { text: string; kind: Kind }[] {
  const out: { text: string; kind: Kind }[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  // The last alternative reads any single character, so the sticky scan never stalls.
  while (TOKEN.lastIndex < sql.length && (m = TOKEN.exec(sql))) {
    const [text, comment, str, ident, num, word, , op] = m;
    let kind: Kind = "plain";
    if (comment) kind = "comment";
    else if (str) kind = "string";
    else if (ident) kind = "identifier";
    else if (num) kind = "number";
    else if (word) {
      const next = sql.slice(TOKEN.lastIndex).match(/^\s*\(/);
      kind = KEYWORDS.has(word.toLowerCase()) ? "keyword" : next ? "function" : "plain";
    } else if (op) kind = "operator";
    out.push({ text, kind });
  }
  return out;
}

type Token = { text: string; kind: Kind };

/** Tokens regrouped by source line (a token may span lines: comments, strings, whitespace). */
function byLine(tokens: Token[]): Token[][] {
  const lines: Token[][] = [[]];
  for (const t of tokens) {
    t.text.split("\n").forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines[lines.length - 1]!.push({ text: part, kind: t.kind });
    });
  }
  return lines;
}

export function SqlCode({ sql, maxHeight = 320 }: { sql: string; maxHeight?: number }) {
  const lines = useMemo(() => byLine(tokenize(sql)), [sql]);
  return (
    <div className={classes.root} style={{ maxHeight }} data-testid="approval-sql">
      {/* One grid row per line: long lines wrap for the reviewer and their numbers stay aligned. */}
      <pre className={classes.code}>
        {lines.map((line, n) => (
          <div key={n} className={classes.line}>
            <span className={classes.lineNo} aria-hidden>
              {n + 1}
            </span>
            <code className={classes.text}>
              {line.length === 0
                ? "\u200b"
                : line.map((t, i) =>
                    t.kind === "plain" ? (
                      t.text
                    ) : (
                      <span key={i} className={classes[t.kind]}>
                        {t.text}
                      </span>
                    ),
                  )}
            </code>
          </div>
        ))}
      </pre>
      <CopyButton value={sql} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? "Copied" : "Copy SQL"} withArrow position="left">
            <ActionIcon className={classes.copy} variant="subtle" color={copied ? "teal" : "gray"} onClick={copy} aria-label="Copy SQL">
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </div>
  );
}
