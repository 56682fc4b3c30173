import { afterEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { recordAudit } from "../services/audit";
import { AUDIT_ACTIONS, isAuditAction } from "./audit-actions";
import { publish, subscribe, subscribeAny } from "./bus";
import { FINAL_QUERY_STATUSES, isFinalQueryStatus, type EventPayload, type QueryStatusEvent } from "./catalogue";

const offs: (() => void)[] = [];
const track = (off: () => void) => (offs.push(off), off);
afterEach(() => offs.splice(0).forEach((off) => off()));

describe("the event bus", () => {
  it("delivers a payload to the listeners of its event and key only", () => {
    const a: QueryStatusEvent[] = [];
    const b: QueryStatusEvent[] = [];
    const jobs: unknown[] = [];
    track(subscribe("query.status", "q-a", (e) => a.push(e)));
    track(subscribe("query.status", "q-b", (e) => b.push(e)));
    // Same key, another event: must not see query events.
    track(subscribe("job.progress", "q-a", (e) => jobs.push(e)));
    publish("query.status", "q-a", { queryId: "q-a", status: "executing" });
    publish("query.status", "q-a", { queryId: "q-a", status: "completed", rowCount: 3, truncated: false });
    publish("query.status", "q-b", { queryId: "q-b", status: "cancelled" });
    expect(a).toEqual([
      { queryId: "q-a", status: "executing" },
      { queryId: "q-a", status: "completed", rowCount: 3, truncated: false },
    ]);
    expect(b).toEqual([{ queryId: "q-b", status: "cancelled" }]);
    expect(jobs).toEqual([]);
  });

  it("stops delivering after unsubscribe, and leaves other listeners subscribed", () => {
    const first: unknown[] = [];
    const second: unknown[] = [];
    const off = subscribe("approval.rolled_back", "ap-1", (e) => first.push(e));
    track(subscribe("approval.rolled_back", "ap-1", (e) => second.push(e)));
    publish("approval.rolled_back", "ap-1", { approvalId: "ap-1", userId: "u" });
    off();
    off(); // twice is harmless
    publish("approval.rolled_back", "ap-1", { approvalId: "ap-1", userId: "u" });
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(2);
  });

  it("gives subscribeAny every key with its payload, until unsubscribed", () => {
    const seen: [string, string][] = [];
    const off = subscribeAny("approval.submitted", (e, key) => seen.push([key, e.approvalId]));
    publish("approval.submitted", "x", { approvalId: "x", userId: "u" });
    publish("approval.submitted", "y", { approvalId: "y", userId: "u" });
    publish("approval.reverted", "z", { approvalId: "z", userId: "u" });
    off();
    publish("approval.submitted", "w", { approvalId: "w", userId: "u" });
    expect(seen).toEqual([["x", "x"], ["y", "y"]]);
  });

  it("keeps publishing when a listener throws: the publisher and the other listeners carry on", () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const after: unknown[] = [];
    track(subscribe("job.progress", "j", () => {
      throw new Error("listener bug");
    }));
    track(subscribe("job.progress", "j", (e) => after.push(e)));
    track(subscribeAny("job.progress", () => {
      throw new Error("another");
    }));
    const event = { jobId: "j", name: "echo", status: "running" as const, progress: 5, message: "" };
    expect(() => publish("job.progress", "j", event)).not.toThrow();
    expect(after).toEqual([event]);
    expect(errors).toHaveBeenCalled();
    errors.mockRestore();
  });
});

describe("the catalogue's types", () => {
  it("types each listener's payload by its event", () => {
    track(subscribe("approval.reviewed", "k", (e) => expectTypeOf(e).toEqualTypeOf<EventPayload<"approval.reviewed">>()));
    track(subscribe("job.finished", "k", (e) => expectTypeOf(e.status).toEqualTypeOf<EventPayload<"job.progress">["status"]>()));
    expectTypeOf<EventPayload<"approval.committed">>().toHaveProperty("affectedRows").toEqualTypeOf<number>();
  });

  it("refuses a wrong payload, an unknown event and a misspelt audit action at typecheck (tsc runs this file)", () => {
    // Never called: the checks are the @ts-expect-error lines, which tsc fails on if they stop erroring.
    const wrong = () => {
      // @ts-expect-error a REST wire name is not a catalogue field
      publish("query.status", "q", { query_id: "q", status: "completed" });
      // @ts-expect-error not a query status
      publish("query.status", "q", { queryId: "q", status: "done" });
      // @ts-expect-error an approval payload on a job event
      publish("job.progress", "j", { approvalId: "a", userId: "u" });
      // @ts-expect-error no such event
      publish("query.finished", "q", { queryId: "q", status: "completed" });
      // @ts-expect-error reviewed needs its decision and status
      publish("approval.reviewed", "a", { approvalId: "a", userId: "u" });
      // @ts-expect-error a listener that expects the wrong payload
      subscribe("approval.committed", "a", (e: { jobId: string }) => e.jobId);
      // @ts-expect-error a misspelt audit action
      void recordAudit({ label: "t" }, { action: "aproval_commit", resourceType: "approval" });
      // @ts-expect-error audit actions are the stored strings, not the event names
      void recordAudit({ label: "t" }, { action: "approval.committed", resourceType: "approval" });
    };
    expect(typeof wrong).toBe("function");
  });
});

describe("final statuses and audit actions", () => {
  it("lists each final query status once, and no running one", () => {
    expect([...FINAL_QUERY_STATUSES].sort()).toEqual(["cancelled", "completed", "failed", "rejected"]);
    for (const s of FINAL_QUERY_STATUSES) expect(isFinalQueryStatus(s)).toBe(true);
    for (const s of ["queued", "executing", "running", "pending", ""]) expect(isFinalQueryStatus(s)).toBe(false);
  });

  it("lists every audit action once, with the stored spelling", () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    for (const a of AUDIT_ACTIONS) expect(a).toMatch(/^[a-z]+(_[a-z]+)*$/);
    for (const a of ["login", "approval_commit", "request_approval", "activate_user", "revoke_member"]) expect(isAuditAction(a)).toBe(true);
    for (const a of ["approval.committed", "Login", "login ", "odd"]) expect(isAuditAction(a)).toBe(false);
  });
});
