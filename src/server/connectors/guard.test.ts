import { describe, expect, it } from "vitest";
import { assertMysqlReadable, assertPostgresReadable, leadingKeyword, mysqlCode } from "./guard";

describe("read-path guards", () => {
  it("finds the leading keyword past comments and parentheses", () => {
    expect(leadingKeyword("  -- hi\n /* a /* nested */ b */ (COPY x TO 'f')")).toBe("copy");
    expect(leadingKeyword("SELECT 1")).toBe("select");
    expect(leadingKeyword("/* only a comment */")).toBe("");
  });

  it("refuses COPY on the PostgreSQL read path", () => {
    expect(() => assertPostgresReadable("/* x */ copy items TO PROGRAM 'id'")).toThrow(/COPY is refused/);
    expect(() => assertPostgresReadable("SELECT 'copy' AS word")).not.toThrow();
  });

  it("blanks MySQL strings and comments but keeps executable comments", () => {
    expect(mysqlCode("SELECT 'INTO OUTFILE' # INTO DUMPFILE\n, `into outfile`", true)).not.toMatch(/into/i);
    expect(mysqlCode("SELECT 1 /*!50000 INTO OUTFILE 'x' */", true)).toMatch(/INTO OUTFILE/);
    expect(mysqlCode("SELECT 1 /*M!100000 INTO DUMPFILE 'x' */", true)).toMatch(/INTO DUMPFILE/);
  });

  it("refuses INTO OUTFILE/DUMPFILE on the MySQL read path, under either escaping mode", () => {
    expect(() => assertMysqlReadable("SELECT * FROM t INTO OUTFILE '/tmp/x'")).toThrow(/writes a file/);
    expect(() => assertMysqlReadable("SELECT 1 /*! INTO   DUMPFILE '/tmp/x' */")).toThrow(/writes a file/);
    // With NO_BACKSLASH_ESCAPES the string ends at the second quote and the INTO is live code.
    expect(() => assertMysqlReadable("SELECT 'a\\' INTO OUTFILE '/tmp/x' -- '")).toThrow(/writes a file/);
    expect(() => assertMysqlReadable("SELECT 'into outfile' AS s, c AS `into dumpfile` FROM t")).not.toThrow();
  });
});
