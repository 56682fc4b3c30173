import { afterEach, describe, expect, it, vi } from "vitest";

/**
 * Next's production build instantiates a server module once per bundle (the REST route,
 * the tRPC route, the pages). `vi.resetModules()` gives the same effect here: the second
 * import is a fresh copy of changes.ts and read-cache.ts, as another bundle would hold.
 */
async function freshCopy() {
  vi.resetModules();
  const changes = await import("./changes");
  const { ReadCache } = await import("./read-cache");
  return { ...changes, ReadCache };
}

afterEach(() => vi.resetModules());

describe("app-state write counter", () => {
  it("a write noted by one copy of the module moves the counter every copy reads", async () => {
    const rest = await freshCopy();
    const trpc = await freshCopy();
    const before = trpc.appStateGeneration();
    rest.noteOperation("DataSource", "create");
    expect(trpc.appStateGeneration()).toBeGreaterThan(before);
    expect(rest.appStateGeneration()).toBe(trpc.appStateGeneration());
  });

  it("a cache held by another copy reloads after the write instead of serving what it had", async () => {
    const rest = await freshCopy();
    const trpc = await freshCopy();
    let rows = ["Demo retail"];
    const loads = vi.fn(async () => [...rows]);
    const list = new trpc.ReadCache<"all", string[]>(loads, { max: 1, ttlMs: 60_000 });
    expect(await list.get("all")).toEqual(["Demo retail"]);
    expect(await list.get("all")).toEqual(["Demo retail"]);
    expect(loads).toHaveBeenCalledTimes(1);

    rows = ["Demo retail", "Demo copy"];
    rest.noteOperation("DataSource", "create");
    expect(await list.get("all")).toEqual(["Demo retail", "Demo copy"]);
    expect(loads).toHaveBeenCalledTimes(2);
  });

  it("writes to the append-only models and reads leave the counter alone", async () => {
    const copy = await freshCopy();
    const before = copy.appStateGeneration();
    copy.noteOperation("AuditEntry", "create");
    copy.noteOperation("QueryRun", "update");
    copy.noteOperation("DataSource", "findMany");
    copy.noteOperation(undefined, "create");
    expect(copy.appStateGeneration()).toBe(before);
  });
});
