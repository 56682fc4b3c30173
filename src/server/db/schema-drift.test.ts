import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { derivePostgresSchema, POSTGRES_SCHEMA, SOURCE_SCHEMA } from "../../../scripts/app-schema.mjs";

/**
 * One model source, two providers: prisma/postgresql/schema.prisma is derived from
 * prisma/schema.prisma, and each provider's migrations folder must reach its schema
 * (its snapshot is what `npm run db:migration` last wrote a migration for).
 * migrations.integration.test.ts checks that the migrations really build that schema.
 */
const read = (file: string) => readFileSync(file, "utf8");

describe("app-state schema for two providers", () => {
  it("the committed PostgreSQL schema is the one derived from prisma/schema.prisma", () => {
    expect(read(POSTGRES_SCHEMA)).toBe(derivePostgresSchema(read(SOURCE_SCHEMA)));
  });

  it("derives only the provider and the client's output", () => {
    const derived = derivePostgresSchema(read(SOURCE_SCHEMA)) as string;
    expect(derived).toContain('provider = "postgresql"');
    expect(derived).not.toContain('provider = "sqlite"');
    const models = (text: string) => text.slice(text.indexOf("model "));
    expect(models(derived)).toBe(models(read(SOURCE_SCHEMA)));
  });

  it("refuses a source it cannot derive from", () => {
    expect(() => derivePostgresSchema("model A { id Int @id }")).toThrow(/exactly one/);
  });

  it("both migration folders reach the current schema (no model change without a migration)", () => {
    expect(read("prisma/migrations/schema-snapshot.prisma")).toBe(read(SOURCE_SCHEMA));
    expect(read("prisma/postgresql/migrations/schema-snapshot.prisma")).toBe(read(POSTGRES_SCHEMA));
  });
});
