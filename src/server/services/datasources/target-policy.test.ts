import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests, config } from "@/server/config";
import { db } from "@/server/db";
import { redactServerPaths } from "@/server/errors/redact";
import { demoDatabaseFile } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";

/**
 * Where a data source may point: never Quarry's own files, only the allowed SQLite
 * folders when configured, never link-local or metadata hosts, and no server path in
 * any answer.
 */
let admin: Awaited<ReturnType<typeof signedInUser>>;
let sample: string;
beforeAll(async () => {
  admin = await signedInUser("admin");
  sample = demoDatabaseFile(0.01);
});
const ENV = ["QUARRY_SQLITE_DIRS", "QUARRY_DATASOURCE_HOSTS_DENY", "QUARRY_DATASOURCE_HOSTS_ALLOW"];
afterEach(() => {
  for (const k of ENV) delete process.env[k];
  resetConfigForTests();
});
const setEnv = (vars: Record<string, string>) => {
  Object.assign(process.env, vars);
  resetConfigForTests();
};

let n = 0;
const sqlite = (database: string) =>
  rest("POST", "/datasources", { token: admin.token, body: { name: `s${++n}`, type: "sqlite", database_name: database } });
const postgres = (host: string) =>
  rest("POST", "/datasources", { token: admin.token, body: { name: `p${++n}`, type: "postgresql", host, database_name: "test" } });

function expectRefused(res: { status: number; body: any }, field: string) {
  expect(res.status).toBe(422);
  expect(res.body).toMatchObject({ error: "validation failed", details: { field } });
  const text = JSON.stringify(res.body);
  expect(text).not.toContain(config().dataDir);
  expect(text).not.toContain(tmpdir() + "/");
}

describe("SQLite files inside Quarry's data directory", () => {
  const dataFile = (...parts: string[]) => path.join(config().dataDir, ...parts);

  it("refuses the app database, its key files and anything else there", async () => {
    mkdirSync(dataFile("keys"), { recursive: true });
    writeFileSync(dataFile("keys", "auth-secret"), "x".repeat(48));
    writeFileSync(dataFile("other.sqlite"), "");
    for (const file of [dataFile("quarry.db"), dataFile("keys", "auth-secret"), dataFile("other.sqlite")]) {
      expectRefused(await sqlite(file), "database");
    }
  });

  it("refuses them reached through `..`, a relative path or a symlink", async () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), "quarry-links-"));
    const link = path.join(elsewhere, "innocent.sqlite");
    symlinkSync(dataFile("quarry.db"), link);
    const dirLink = path.join(elsewhere, "dir");
    symlinkSync(config().dataDir, dirLink);
    for (const file of [
      path.join(elsewhere, "..", path.basename(config().dataDir), "quarry.db"),
      path.relative(process.cwd(), dataFile("quarry.db")),
      link,
      path.join(dirLink, "quarry.db"),
    ]) {
      expectRefused(await sqlite(file), "database");
    }
  });

  it("allows exactly the demo folder, where the built-in demo source lives", async () => {
    mkdirSync(dataFile("demo"), { recursive: true });
    copyFileSync(sample, dataFile("demo", "retail.sqlite"));
    const res = await sqlite(dataFile("demo", "retail.sqlite"));
    expect(res.status).toBe(201);
    // An ordinary update of it keeps working.
    const updated = await rest("PUT", `/datasources/${res.body.id}`, { token: admin.token, body: { description: "demo" } });
    expect(updated.status).toBe(200);
  });

  it("refuses an update that moves a source there, and test-connection of one stored before the rule", async () => {
    const ok = await sqlite(sample);
    expect(ok.status).toBe(201);
    expectRefused(await rest("PUT", `/datasources/${ok.body.id}`, { token: admin.token, body: { database_name: dataFile("quarry.db") } }), "database");
    const legacy = await db.dataSource.create({ data: { name: `legacy${++n}`, engine: "sqlite", database: dataFile("quarry.db") } });
    const test = await rest("POST", `/datasources/${legacy.id}/test`, { token: admin.token });
    expectRefused(test, "database");
  });

  it("says a missing file is missing without echoing the resolved path", async () => {
    const res = await sqlite("relative/missing.sqlite");
    expectRefused(res, "database");
    expect(JSON.stringify(res.body)).not.toContain(process.cwd());
  });
});

describe("QUARRY_SQLITE_DIRS", () => {
  it("allows only files inside the listed folders (colon or comma separated), symlinks resolved", async () => {
    const allowedA = mkdtempSync(path.join(tmpdir(), "quarry-allowed-a-"));
    const allowedB = mkdtempSync(path.join(tmpdir(), "quarry-allowed-b-"));
    copyFileSync(sample, path.join(allowedA, "a.sqlite"));
    copyFileSync(sample, path.join(allowedB, "b.sqlite"));
    symlinkSync(sample, path.join(allowedA, "escape.sqlite"));
    for (const separator of [":", ","]) {
      setEnv({ QUARRY_SQLITE_DIRS: `${allowedA}${separator}${allowedB}` });
      expect((await sqlite(path.join(allowedA, "a.sqlite"))).status).toBe(201);
      expect((await sqlite(path.join(allowedB, "b.sqlite"))).status).toBe(201);
      expectRefused(await sqlite(sample), "database");
      expectRefused(await sqlite(path.join(allowedA, "escape.sqlite")), "database");
      expectRefused(await sqlite(path.join(allowedA, "..", path.basename(path.dirname(sample)), "retail.sqlite")), "database");
    }
  });

  it("never lets a listed folder open the data directory", async () => {
    setEnv({ QUARRY_SQLITE_DIRS: config().dataDir });
    expectRefused(await sqlite(path.join(config().dataDir, "quarry.db")), "database");
  });
});

describe("data-source hosts", () => {
  const metadata = [
    "169.254.169.254",
    "169.254.1.2",
    "2852039166", // 169.254.169.254 as one number
    "0xA9FEA9FE",
    "::ffff:169.254.169.254",
    "[::ffff:a9fe:a9fe]",
    "fe80::1",
    "[fe80::abcd]",
    "fd00:ec2::254",
    "metadata.google.internal",
    "METADATA.Google.Internal.",
    " metadata ",
    "100.100.100.200",
  ];
  it.each(metadata)("refuses %s by default", async (host) => {
    expectRefused(await postgres(host), "host");
  });

  it("allows ordinary hosts by default", async () => {
    for (const host of ["127.0.0.1", "db.example.test", "10.1.2.3"]) expect((await postgres(host)).status, host).toBe(201);
  });

  it("QUARRY_DATASOURCE_HOSTS_DENY replaces the default list (names, *.suffixes, addresses, CIDRs)", async () => {
    setEnv({ QUARRY_DATASOURCE_HOSTS_DENY: "10.0.0.0/8, *.corp.test, forbidden.test" });
    for (const host of ["10.9.9.9", "db.corp.test", "forbidden.test", "167772161" /* 10.0.0.1 */]) expectRefused(await postgres(host), "host");
    expect((await postgres("127.0.0.1")).status).toBe(201);
  });

  it("QUARRY_DATASOURCE_HOSTS_ALLOW admits only the listed hosts, and the deny list still wins", async () => {
    setEnv({ QUARRY_DATASOURCE_HOSTS_ALLOW: "127.0.0.1/32,db.allowed.test,169.254.169.254" });
    expect((await postgres("127.0.0.1")).status).toBe(201);
    expect((await postgres("db.allowed.test")).status).toBe(201);
    for (const host of ["127.0.0.2", "db.example.test", "2130706434" /* 127.0.0.2 */, "169.254.169.254"]) {
      expectRefused(await postgres(host), "host");
    }
  });

  it("applies to updates and to test-connection of stored sources", async () => {
    const ok = await postgres("127.0.0.1");
    expectRefused(await rest("PUT", `/datasources/${ok.body.id}`, { token: admin.token, body: { host: "169.254.169.254" } }), "host");
    const legacy = await db.dataSource.create({ data: { name: `legacy-h${++n}`, engine: "postgres", host: "169.254.169.254", database: "x" } });
    expectRefused(await rest("POST", `/datasources/${legacy.id}/test`, { token: admin.token }), "host");
    expectRefused(await rest("POST", `/databases/${legacy.id}/test-connection`, { token: admin.token }).then((r) => ({
      status: r.status,
      body: { error: "validation failed", details: { field: r.body.error.details[0].field } },
    })), "host");
  });
});

describe("no server paths in error messages", () => {
  it("a successful SQLite test names the file, not its folder", async () => {
    const created = await sqlite(sample);
    const test = await rest("POST", `/datasources/${created.body.id}/test`, { token: admin.token });
    expect(test.status).toBe(200);
    expect(JSON.stringify(test.body)).toContain("retail.sqlite");
    expect(JSON.stringify(test.body)).not.toContain(path.dirname(sample));
  });

  it("a SQLite file that is not a database fails its test without showing where it is", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "quarry-notdb-"));
    const file = path.join(dir, "notes.sqlite");
    writeFileSync(file, "this is not a database ".repeat(100));
    const created = await sqlite(file);
    expect(created.status).toBe(201);
    const test = await rest("POST", `/datasources/${created.body.id}/test`, { token: admin.token });
    expect(test.status).toBeLessThan(500);
    const text = JSON.stringify(test.body);
    expect(text).not.toContain(dir);
    const row = await db.dataSource.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.lastError ?? "").not.toContain(dir);
  });

  it("redacts known roots and absolute system paths, leaving URLs and API paths", () => {
    const cases: [string, string][] = [
      [`open '${config().dataDir}/quarry.db' failed`, "open '<server path>' failed"],
      ["ENOENT: no such file or directory, open '/var/lib/x/y.db'", "ENOENT: no such file or directory, open '<server path>'"],
      ['could not open file "/home/pg/data/base/1" for reading', 'could not open file "<server path>" for reading'],
      [`at ${process.cwd()}/src/x.ts:1:2`, "at <server path>"],
      ["No API route POST /api/v1/pipelines/x/run", "No API route POST /api/v1/pipelines/x/run"],
      ["see https://example.test/tmp/x", "see https://example.test/tmp/x"],
      ["SELECT a / b FROM t", "SELECT a / b FROM t"],
      ["C:\\Users\\me\\db.sqlite is locked", "<server path> is locked"],
    ];
    for (const [input, expected] of cases) expect(redactServerPaths(input), input).toBe(expected);
  });
});
