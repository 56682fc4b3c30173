import { describe, expect, it } from "vitest";
import { forgetRun, noteRun, runIdsSince } from "./run-ledger";

describe("run ledger (daily quota counts)", () => {
  const day = Date.UTC(2026, 0, 2);
  const at = (ms: number) => new Date(day + ms);

  it("loads once, then counts runs noted here, each id once, and forgets deleted ones", async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      return ["a", "b"];
    };
    const user = `u-${Math.random()}`;
    expect((await runIdsSince(user, day, load)).size).toBe(2);
    noteRun(user, "b", at(1)); // already counted from the database
    noteRun(user, "c", at(2));
    noteRun(user, "old", at(-1)); // yesterday's
    expect([...(await runIdsSince(user, day, load))].sort()).toEqual(["a", "b", "c"]);
    forgetRun(user, "a");
    expect((await runIdsSince(user, day, load)).size).toBe(2);
    expect(loads).toBe(1);
  });

  it("counts a run begun while the ledger is loading, and reloads on a new day", async () => {
    const user = `u-${Math.random()}`;
    let release!: (ids: string[]) => void;
    const pending = runIdsSince(user, day, () => new Promise<string[]>((r) => (release = r)));
    noteRun(user, "during", at(5));
    release(["before", "during"]);
    expect([...(await pending)].sort()).toEqual(["before", "during"]);
    const next = day + 86_400_000;
    expect([...(await runIdsSince(user, next, async () => ["tomorrow"]))]).toEqual(["tomorrow"]);
  });

  it("does not count for a user whose ledger is not open (their first check reads the database)", async () => {
    const user = `u-${Math.random()}`;
    noteRun(user, "x", at(1));
    expect([...(await runIdsSince(user, day, async () => ["y"]))]).toEqual(["y"]);
  });
});
