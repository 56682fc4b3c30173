import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";
import { serviceAvailable, services } from "@/test/services";

/** "Read as role" and login warnings through the REST API, against the real PostgreSQL. */
const available = await serviceAvailable("postgres");
const svc = services.postgres;
const suffix = randomBytes(5).toString("hex");
const dbName = `quarry_rr_${suffix}`;
const login = `quarry_rr_login_${suffix}`;
const reader = `quarry_rr_reader_${suffix}`;
const loner = `quarry_rr_loner_${suffix}`;
const admin = (database: string) => new pg.Client({ ...svc, database });

let adminUser: Awaited<ReturnType<typeof signedInUser>>;
let analyst: Awaited<ReturnType<typeof signedInUser>>;

const body = (name: string, extra: Record<string, unknown> = {}) => ({
  name: `${name}-${suffix}`,
  type: "postgresql",
  host: svc.host,
  port: svc.port,
  database_name: dbName,
  username: login,
  ...extra,
});

describe.skipIf(!available)("read as role over REST", () => {
  beforeAll(async () => {
    const root = admin(svc.database);
    await root.connect();
    await root.query(`CREATE DATABASE ${dbName}`);
    await root.query(`CREATE ROLE ${login} LOGIN`);
    await root.query(`CREATE ROLE ${reader} NOLOGIN`);
    await root.query(`CREATE ROLE ${loner} NOLOGIN`);
    await root.query(`GRANT ${reader} TO ${login}`);
    await root.end();
    const direct = admin(dbName);
    await direct.connect();
    await direct.query(`
      CREATE TABLE open_data (id int PRIMARY KEY, label text);
      INSERT INTO open_data VALUES (1, 'public');
      CREATE TABLE payroll (id int PRIMARY KEY, salary int);
      INSERT INTO payroll VALUES (1, 100000);
      ALTER TABLE open_data OWNER TO ${login};
      ALTER TABLE payroll OWNER TO ${login};
      GRANT SELECT ON open_data TO ${reader};
    `);
    await direct.end();
    adminUser = await signedInUser("admin");
    analyst = await signedInUser("analyst");
  });

  afterAll(async () => {
    const root = admin(svc.database);
    await root.connect();
    await root.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    for (const role of [login, reader, loner]) await root.query(`DROP ROLE IF EXISTS ${role}`);
    await root.end();
  });

  it("round-trips read_role through /datasources, /databases and /connections", async () => {
    const created = await rest("POST", "/datasources", { token: adminUser.token, body: body("qb", { read_role: reader }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ read_role: reader, warnings: [] });
    const id = created.body.id as string;
    expect((await rest("GET", `/datasources/${id}`, { token: adminUser.token })).body.read_role).toBe(reader);
    expect((await rest("GET", `/databases/${id}`, { token: adminUser.token })).body.read_role).toBe(reader);
    expect((await rest("GET", `/connections/${id}`, { token: adminUser.token })).body.config.read_role).toBe(reader);

    const cleared = await rest("PUT", `/datasources/${id}`, { token: adminUser.token, body: { read_role: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.read_role).toBeNull();
    const again = await rest("PUT", `/connections/${id}`, { token: adminUser.token, body: { config: { read_role: reader } } });
    expect(again.status).toBe(200);
    expect((await db.dataSource.findUniqueOrThrow({ where: { id } })).readRole).toBe(reader);
  });

  it("refuses, with 422 on read_role, a role that does not exist, one the login is not a member of, and any role off PostgreSQL", async () => {
    for (const [role, message] of [
      [`ghost_${suffix}`, /does not exist/],
      [loner, /cannot switch to role/],
    ] as const) {
      const res = await rest("POST", "/datasources", { token: adminUser.token, body: body(`bad-${role}`, { read_role: role }) });
      expect(res.status).toBe(422);
      expect(JSON.stringify(res.body)).toMatch(message);
      expect(JSON.stringify(res.body)).toContain("readRole");
    }
    const mysql = await rest("POST", "/datasources", {
      token: adminUser.token,
      body: { name: `my-${suffix}`, type: "mariadb", host: "127.0.0.1", database_name: "test", read_role: reader },
    });
    expect(mysql.status).toBe(422);
    expect(JSON.stringify(mysql.body)).toMatch(/PostgreSQL only/);
    const ok = await rest("POST", "/datasources", { token: adminUser.token, body: body("later") });
    const update = await rest("PUT", `/datasources/${ok.body.id}`, { token: adminUser.token, body: { read_role: loner } });
    expect(update.status).toBe(422);
    expect((await db.dataSource.findUniqueOrThrow({ where: { id: ok.body.id } })).readRole).toBeNull();
  });

  it("reads through the API run as the role: a table the role may not read is refused though the login owns it", async () => {
    const plain = await rest("POST", "/datasources", { token: adminUser.token, body: body("as-login") });
    const roled = await rest("POST", "/datasources", { token: adminUser.token, body: body("as-role", { read_role: reader }) });
    for (const id of [plain.body.id, roled.body.id]) await grant(analyst.user.id, id, { canRead: true });
    const sql = "SELECT salary FROM payroll";
    const asLogin = await rest("POST", "/queries", { token: analyst.token, body: { data_source_id: plain.body.id, query_text: sql } });
    expect(asLogin.status).toBe(200);
    const asRole = await rest("POST", "/queries", { token: analyst.token, body: { data_source_id: roled.body.id, query_text: sql } });
    expect(asRole.status).toBeGreaterThanOrEqual(400);
    expect(asRole.status).toBeLessThan(500);
    expect(JSON.stringify(asRole.body)).toMatch(/permission denied/i);
    const allowed = await rest("POST", "/queries", {
      token: analyst.token,
      body: { data_source_id: roled.body.id, query_text: "SELECT label FROM open_data" },
    });
    expect(allowed.status).toBe(200);
  });

  it("warns when a source connects as a superuser, and not for a plain login", async () => {
    const su = await rest("POST", "/datasources", { token: adminUser.token, body: body("su", { username: svc.user }) });
    const test = await rest("POST", `/datasources/${su.body.id}/test`, { token: adminUser.token });
    expect(test.status).toBe(200);
    expect(test.body.warnings).toEqual([expect.stringMatching(new RegExp(`connects as a superuser: ${svc.user}`))]);
    expect((await rest("GET", `/datasources/${su.body.id}`, { token: adminUser.token })).body.warnings).toEqual(test.body.warnings);
    expect((await rest("GET", `/connections/${su.body.id}`, { token: adminUser.token })).body.warnings).toEqual(test.body.warnings);
    const health = await rest("GET", `/datasources/${su.body.id}/health`, { token: adminUser.token });
    expect(health.body.warnings).toEqual(test.body.warnings);

    const plain = await rest("POST", "/datasources", { token: adminUser.token, body: body("plain") });
    const plainTest = await rest("POST", `/databases/${plain.body.id}/test-connection`, { token: adminUser.token });
    expect(plainTest.body).toMatchObject({ success: true, warnings: [] });
    expect((await rest("GET", `/datasources/${plain.body.id}`, { token: adminUser.token })).body.warnings).toEqual([]);
  });
});
