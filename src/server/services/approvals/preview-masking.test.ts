import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";

let dataSourceId = "";

beforeAll(async () => {
  dataSourceId = (await db.dataSource.create({ data: { name: "retail-previews", engine: "sqlite", database: demoDatabaseFile() } })).id;
});

describe("approval previews for viewers without can_write", () => {
  it("show personal columns of the sample rows masked to an approver who may not write, real to the requester", async () => {
    const requester = await signedInUser("analyst");
    const approver = await signedInUser("developer");
    await grant(requester.user.id, dataSourceId, { canRead: true, canWrite: true });
    await grant(approver.user.id, dataSourceId, { canRead: true, canApprove: true });

    const raw = await rest("POST", "/queries", {
      token: requester.token,
      body: { data_source_id: dataSourceId, query_text: "SELECT id, email, phone FROM customers WHERE id IN (1, 2) ORDER BY id" },
    });
    const personal = (raw.body.data as { email: string; phone: string | null }[]).flatMap((r) => [r.email, r.phone]).filter((v): v is string => !!v);
    expect(personal.length).toBeGreaterThanOrEqual(2);

    const submitted = await rest("POST", "/queries", {
      token: requester.token,
      body: { data_source_id: dataSourceId, query_text: "UPDATE customers SET city = 'Elsewhere' WHERE id IN (1, 2)" },
    });
    expect(submitted.status).toBe(202);
    const id = submitted.body.approval_id as string;
    const approved = await rest("POST", `/approvals/${id}/review`, { token: approver.token, body: { decision: "approved" } });
    expect(approved.status).toBe(200);

    const asRequester = await rest("GET", `/approvals/${id}`, { token: requester.token });
    expect(asRequester.body.preview?.before?.length, "the dry run sampled the rows").toBe(2);
    expect(personal.some((v) => JSON.stringify(asRequester.body.preview).includes(v))).toBe(true);

    const leaks = (body: unknown) => personal.filter((v) => JSON.stringify(body).includes(v));
    const asApprover = await rest("GET", `/approvals/${id}`, { token: approver.token });
    expect(asApprover.body.preview.before).toHaveLength(2);
    expect(asApprover.body.preview.before[0].city).toBeTruthy();
    expect(asApprover.body.preview.after[0].city).toBe("Elsewhere");
    expect(leaks(asApprover.body)).toEqual([]);
    expect(leaks(approved.body)).toEqual([]);

    const list = await rest("GET", `/approvals?page=1&page_size=50`, { token: approver.token });
    expect(list.body.data.some((a: { id: string }) => a.id === id)).toBe(true);
    expect(leaks(list.body)).toEqual([]);
  });
});
