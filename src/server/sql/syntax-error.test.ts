import { describe, expect, it } from "vitest";
import { analyzeSql } from "./analyze";

/** A typo answers a short message with its position, not the parser's grammar. */
describe("syntax errors", () => {
  it.each(["postgres", "mysql", "sqlite"] as const)("SELEC on %s names the word and where it is", (engine) => {
    const analysis = analyzeSql("SELEC * FROM products", engine);
    expect(analysis.ok).toBe(false);
    if (analysis.ok) return;
    expect(analysis.error.message).toBe('Syntax error near "SELEC" at line 1, column 1');
    expect(analysis.error).toMatchObject({ line: 1, column: 1 });
    expect(analysis.error.message.length).toBeLessThan(80);
  });

  it("points into later lines", () => {
    const analysis = analyzeSql("SELECT 1;\n\nSELEC name\nFROM products", "postgres");
    expect(analysis.ok).toBe(false);
    if (analysis.ok) return;
    expect(analysis.error.message).toBe('Syntax error near "SELEC" at line 3, column 1');
    expect(analysis.error).toMatchObject({ line: 3, column: 1 });
  });
});
