import "server-only";
import type { SqlDialect } from "./types";

/**
 * Statements that look like (or start like) reads but write, lock, change session
 * state or reach outside the database. analyzeSql must never call one "read";
 * connector integration tests replay the same list against real servers.
 *
 * Fixture they assume: a table `items (id INTEGER PRIMARY KEY, name TEXT)`; on
 * PostgreSQL also a sequence `item_seq` and a materialized view `items_mv`; on
 * MariaDB a sequence `item_seq`. Several entries (pg_sleep, GET_LOCK, SET ...) are
 * not stopped by a read-only transaction: only the execution pipe's classification stops them.
 */
export interface WriteAttempt {
  dialect: SqlDialect;
  sql: string;
  note: string;
}

const postgres: Omit<WriteAttempt, "dialect">[] = [
  { sql: "WITH gone AS (DELETE FROM items RETURNING *) SELECT * FROM gone", note: "data-modifying CTE (DELETE)" },
  { sql: "WITH added AS (INSERT INTO items (id, name) VALUES (100, 'x') RETURNING id) SELECT id FROM added", note: "data-modifying CTE (INSERT)" },
  { sql: "with changed as (update items set name = 'y' where id = 1 returning id) select count(*) from changed", note: "data-modifying CTE (UPDATE), lower case" },
  { sql: "SELECT * FROM (WITH d AS (DELETE FROM items RETURNING id) SELECT id FROM d) sub", note: "data-modifying CTE inside a subquery" },
  { sql: "SELECT * INTO items_copy FROM items", note: "SELECT INTO creates a table" },
  { sql: "SELECT id, name INTO TEMP items_tmp FROM items WHERE id > 0", note: "SELECT INTO TEMP creates a table" },
  { sql: "SELECT nextval('item_seq')", note: "nextval in the select list" },
  { sql: "SELECT id FROM items WHERE id = setval('item_seq', 1)", note: "setval in WHERE" },
  { sql: "SELECT name FROM items WHERE id IN (SELECT pg_advisory_lock(1))", note: "advisory lock in a subquery" },
  { sql: "SELECT pg_try_advisory_lock(42) AS got", note: "pg_try_advisory_lock" },
  { sql: "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = -1", note: "schema-qualified pg_terminate_backend" },
  { sql: 'SELECT "set_config"(\'search_path\', \'public\', false)', note: "quoted function name" },
  { sql: "SELECT PG_CATALOG.NEXTVAL('item_seq')", note: "upper-case schema-qualified nextval" },
  { sql: "SELECT * FROM items WHERE pg_sleep(0) IS NOT NULL", note: "pg_sleep in WHERE" },
  { sql: "SELECT lo_import('/etc/hostname')", note: "lo_import reads a server file into the database" },
  { sql: "SELECT pg_read_file('/etc/hostname')", note: "pg_read_file" },
  { sql: "SELECT txid_current()", note: "txid_current assigns a transaction id" },
  { sql: "SELECT pg_stat_reset()", note: "pg_stat_reset" },
  { sql: "SELECT dblink_exec('dbname=postgres', 'DROP TABLE items')", note: "dblink_exec runs SQL elsewhere" },
  { sql: "SELECT query_to_xml('DELETE FROM items RETURNING id', true, true, '')", note: "query_to_xml executes a SQL string" },
  { sql: "SELECT U&\"\\006Eextval\"('item_seq')", note: "function name hidden behind Unicode escapes" },
  { sql: "(SELECT 1) UNION ALL (SELECT nextval('item_seq'))", note: "side effect in a UNION branch" },
  { sql: "SELECT (ARRAY[1, 2, 3])[1:nextval('item_seq')]", note: "nextval right after a colon in an array slice" },
  { sql: "SELECT @nextval('item_seq')", note: "nextval right after the @ operator" },
  { sql: "SELECT '{}'::jsonb ?nextval('item_seq')::text", note: "nextval right after the ? operator" },
  { sql: "SELECT 1INTO items_copy FROM items", note: "INTO glued to a number (PostgreSQL before 16)" },
  { sql: "SELECT * FROM items FOR UPDATE", note: "row locks" },
  { sql: "SELECT * FROM items WHERE id = 1 FOR NO KEY UPDATE NOWAIT", note: "row locks (NO KEY UPDATE)" },
  { sql: "SELECT * FROM items FOR SHARE", note: "row locks (SHARE)" },
  { sql: "SELECT 1; DROP TABLE items", note: "second statement" },
  { sql: "SELECT 1 /* ; */; DELETE FROM items", note: "semicolon inside a comment" },
  { sql: "SELECT 1 /* nested /* comment */ still a comment */; TRUNCATE items", note: "nested block comment" },
  { sql: "SELECT $$ ; $$ AS x; DELETE FROM items", note: "semicolon inside a dollar-quoted string" },
  { sql: "SELECT $a$ $b$ ; $a$; UPDATE items SET name = 'z'", note: "dollar quote with a tag containing another tag" },
  { sql: "SELECT 'a\\'; DELETE FROM items; --'", note: "backslash does not escape in standard strings" },
  { sql: "SELECT E'a\\\\'; DELETE FROM items; --'", note: "escape string ending in an escaped backslash" },
  {
    sql: "SELECT 'a\\'; SELECT '; DELETE FROM items; --'",
    note: "two reads by default, but a DELETE under standard_conforming_strings=off",
  },
  { sql: "/* just a read */ DELETE FROM items", note: "leading comment" },
  { sql: "-- SELECT 1\nDELETE FROM items", note: "line comment hides the read" },
  { sql: "SELECT 1 -- comment ends at a carriage return\r; DELETE FROM items", note: "CR ends a line comment" },
  { sql: "VALUES (1); DELETE FROM items", note: "VALUES then DELETE" },
  { sql: "TABLE items; TRUNCATE items", note: "TABLE then TRUNCATE" },
  { sql: "EXPLAIN ANALYZE DELETE FROM items", note: "EXPLAIN ANALYZE executes" },
  { sql: "EXPLAIN (ANALYZE, COSTS OFF) UPDATE items SET name = 'q'", note: "EXPLAIN (ANALYZE) executes" },
  { sql: "COPY items TO PROGRAM 'id'", note: "COPY TO PROGRAM runs a shell command" },
  { sql: "COPY (SELECT 1) TO '/tmp/quarry-corpus.txt'", note: "COPY TO writes a server file" },
  { sql: "COPY items FROM '/tmp/quarry-corpus.csv'", note: "COPY FROM loads data" },
  { sql: "DO $$ BEGIN DELETE FROM items; END $$", note: "anonymous code block" },
  { sql: "SET search_path = pg_temp, public", note: "session setting" },
  { sql: "RESET ALL", note: "session reset" },
  { sql: "LOCK TABLE items IN ACCESS EXCLUSIVE MODE", note: "table lock" },
  { sql: "CALL refresh_items()", note: "stored procedure" },
  { sql: "REFRESH MATERIALIZED VIEW items_mv", note: "rewrites a materialized view" },
  { sql: "PREPARE p AS DELETE FROM items; EXECUTE p", note: "prepared write" },
  { sql: "BEGIN; SELECT 1", note: "transaction control" },
  { sql: "SELECT 1; COMMIT", note: "transaction control after a read" },
  { sql: "VACUUM items", note: "maintenance" },
  { sql: "GRANT SELECT ON items TO PUBLIC", note: "privileges" },
];

const mysql: Omit<WriteAttempt, "dialect">[] = [
  { sql: "SELECT * FROM items INTO OUTFILE '/tmp/quarry-corpus.csv'", note: "INTO OUTFILE writes a server file" },
  { sql: "SELECT name FROM items LIMIT 1 INTO DUMPFILE '/tmp/quarry-corpus.bin'", note: "INTO DUMPFILE writes a server file" },
  { sql: "SELECT id INTO @x FROM items LIMIT 1", note: "INTO a user variable" },
  { sql: "SELECT @n := COUNT(*) FROM items", note: "user variable assignment" },
  { sql: "SELECT * FROM items FOR UPDATE", note: "row locks" },
  { sql: "SELECT * FROM items LOCK IN SHARE MODE", note: "row locks (LOCK IN SHARE MODE)" },
  { sql: "SELECT * FROM items FOR SHARE", note: "row locks (FOR SHARE)" },
  { sql: "SELECT GET_LOCK('quarry', 0)", note: "named lock" },
  { sql: "SELECT name FROM items WHERE SLEEP(0) = 0", note: "SLEEP in WHERE" },
  { sql: "SELECT (SELECT RELEASE_ALL_LOCKS()) AS r", note: "lock function in a subquery" },
  { sql: "SELECT BENCHMARK(10, MD5('x'))", note: "BENCHMARK" },
  { sql: "SELECT LOAD_FILE('/etc/hostname')", note: "reads a server file" },
  { sql: "SELECT id FROM items /*!50000 WHERE SLEEP(0) = 0 */", note: "executable comment runs SLEEP" },
  { sql: "SELECT 1 /*! ; DELETE FROM items */", note: "executable comment holds a statement" },
  { sql: "SELECT 1 --1; DELETE FROM items", note: "--1 is arithmetic, not a comment" },
  { sql: "SELECT * FROM items # a comment\n; DROP TABLE items", note: "hash comment then DROP" },
  { sql: "SELECT 1 -- a lone CR stays in the comment\r'\n; DELETE FROM items; -- '", note: "quote after a CR is still comment" },
  { sql: "SELECT 1; DELETE FROM items", note: "second statement" },
  { sql: "SELECT 'a\\'; DELETE FROM items; -- '", note: "one string by default, a DELETE under NO_BACKSLASH_ESCAPES" },
  { sql: "SELECT \"x;\" AS s; UPDATE items SET name = 'u'", note: "semicolon inside a double-quoted string" },
  { sql: "SELECT `a;b` FROM items; TRUNCATE items", note: "semicolon inside a backtick identifier" },
  { sql: "DO SLEEP(0)", note: "DO evaluates expressions" },
  { sql: "CALL refresh_items()", note: "stored procedure" },
  { sql: "HANDLER items OPEN", note: "HANDLER" },
  { sql: "LOAD DATA INFILE '/tmp/quarry-corpus.csv' INTO TABLE items", note: "bulk load" },
  { sql: "SET autocommit = 0", note: "implicit transactions" },
  { sql: "SET @@session.sql_mode = ''", note: "session setting" },
  { sql: "LOCK TABLES items WRITE", note: "table lock" },
  { sql: "REPLACE INTO items (id, name) VALUES (1, 'r')", note: "REPLACE" },
  { sql: "SELECT NEXT VALUE FOR item_seq", note: "MariaDB sequence advance" },
  { sql: "SELECT NEXTVAL(item_seq)", note: "MariaDB nextval" },
  { sql: "START TRANSACTION; SELECT 1", note: "transaction control" },
  { sql: "EXPLAIN ANALYZE SELECT SLEEP(0)", note: "EXPLAIN ANALYZE executes the SELECT" },
];

const sqlite: Omit<WriteAttempt, "dialect">[] = [
  { sql: "PRAGMA writable_schema = 1", note: "writable schema" },
  { sql: "PRAGMA journal_mode = WAL", note: "PRAGMA assignment" },
  { sql: "PRAGMA journal_mode(DELETE)", note: "PRAGMA setter form" },
  { sql: "PRAGMA optimize", note: "PRAGMA that acts" },
  { sql: "ATTACH DATABASE '/tmp/quarry-corpus.db' AS evil", note: "ATTACH" },
  { sql: "DETACH DATABASE evil", note: "DETACH" },
  { sql: "SELECT load_extension('/tmp/quarry-corpus.so')", note: "load_extension" },
  { sql: "SELECT writefile('/tmp/quarry-corpus.txt', 'x')", note: "writefile" },
  { sql: "SELECT name FROM items WHERE readfile('/etc/hostname') IS NOT NULL", note: "readfile in WHERE" },
  { sql: "SELECT edit('x')", note: "edit" },
  { sql: "SELECT 1; DELETE FROM items", note: "second statement" },
  { sql: "SELECT 1 /* ; */; DROP TABLE items", note: "semicolon inside a comment" },
  { sql: "SELECT 'it''s; fine'; DELETE FROM items", note: "doubled quote inside a string" },
  { sql: "SELECT [a;b] FROM items; UPDATE items SET name = 'u'", note: "semicolon inside a bracket identifier" },
  { sql: "SELECT * FROM items; -- harmless\nUPDATE items SET name = NULL", note: "comment before a second statement" },
  { sql: "WITH x AS (SELECT 1) INSERT INTO items (id, name) SELECT 2, 'w' FROM x", note: "CTE leading an INSERT" },
  { sql: "INSERT OR REPLACE INTO items VALUES (1, 'a')", note: "INSERT OR REPLACE" },
  { sql: "VACUUM INTO '/tmp/quarry-corpus.db'", note: "VACUUM INTO writes a file" },
  { sql: "BEGIN IMMEDIATE", note: "transaction control" },
  { sql: "ANALYZE", note: "maintenance" },
];

export const writeAttemptCorpus: WriteAttempt[] = [
  ...postgres.map((a) => ({ dialect: "postgres" as const, ...a })),
  ...mysql.map((a) => ({ dialect: "mysql" as const, ...a })),
  ...sqlite.map((a) => ({ dialect: "sqlite" as const, ...a })),
];
