import net from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { userPrincipal } from "@/server/services/principal";
import { demoDatabaseFile } from "@/test/fixtures";
import { testAdmin } from "@/test/principals";
import { testDataSourceDraft } from "./draft-test";

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let sample: string;
beforeAll(() => {
  sample = demoDatabaseFile(0.01);
});

describe("testDataSourceDraft", () => {
  it("reports why settings pointing at a closed port fail, and saves nothing", async () => {
    const before = await db.dataSource.count();
    const port = await closedPort();
    const result = await testDataSourceDraft(testAdmin, { name: "nowhere", engine: "postgres", host: "127.0.0.1", port, database: "test", username: "x" });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/ECONNREFUSED|refused|connect/i);
    expect(await db.dataSource.count()).toBe(before);
  });

  it("passes for a readable SQLite file", async () => {
    const result = await testDataSourceDraft(testAdmin, { name: "demo", engine: "sqlite", database: sample });
    expect(result).toMatchObject({ ok: true });
  });

  it("is for admins only", async () => {
    const analyst = userPrincipal({ id: "a", email: "a@example.test", username: "a", fullName: "A", role: "analyst" }, "127.0.0.1");
    await expect(testDataSourceDraft(analyst, { name: "demo", engine: "sqlite", database: sample })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("refuses what a save would refuse (no host for PostgreSQL)", async () => {
    await expect(testDataSourceDraft(testAdmin, { name: "x", engine: "postgres", database: "test" })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
  });
});
