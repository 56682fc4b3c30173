import "server-only";
import { Prisma } from "@prisma/client";
import { db } from "./index";

/**
 * One multi-row INSERT for the write-behind batches (run records, audit entries).
 * Prisma's createMany costs about half a millisecond of CPU per row in its query
 * compiler and interpreter, more than the rest of an API read together; this sends
 * the same rows as one parameterised statement. It stays portable across the app
 * database's providers: placeholders come from `Prisma.sql` (`?` on SQLite, `$n` on
 * PostgreSQL), identifiers are double-quoted (both accept it, and Prisma names tables
 * and columns after the schema's models and fields), and the driver adapter maps
 * Date and boolean values as it does for Prisma's own statements.
 *
 * Rows must carry every column the table needs (ids and defaults included: the
 * database-side defaults Prisma fills in are not applied here) and all the same keys.
 */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_PARAMETERS = 30_000; // under SQLite's 32,766 and PostgreSQL's 65,535

const quoted = (name: string) => {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return `"${name}"`;
};

export async function insertMany(table: string, rows: Record<string, unknown>[]): Promise<void> {
  for (const statement of insertManyStatements(table, rows)) await statement;
}

/** The statements of `insertMany` for one batch transaction (`db.$transaction([...])`). */
export function insertManyStatements(table: string, rows: Record<string, unknown>[]): Prisma.PrismaPromise<number>[] {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const head = Prisma.raw(`INSERT INTO ${quoted(table)} (${columns.map(quoted).join(", ")}) VALUES `);
  const statements: Prisma.PrismaPromise<number>[] = [];
  for (let at = 0; at < rows.length; at += perStatement) {
    const values = rows
      .slice(at, at + perStatement)
      .map((row) => Prisma.sql`(${Prisma.join(columns.map((c) => row[c] ?? null))})`);
    statements.push(db.$executeRaw`${head}${Prisma.join(values)}`);
  }
  return statements;
}
