import "server-only";
import type { FieldPacket, PoolConnection, ResultSetHeader } from "mysql2";
import { ResultBudget, type FetchLimits } from "../limits";
import type { TruncatedReason } from "../types";
import { uniqueNames } from "../values";
import { guardPackets } from "./packet-guard";

interface Command {
  on(event: "fields", fn: (fields: FieldPacket[] | undefined) => void): unknown;
  on(event: "result", fn: (row: unknown) => void): unknown;
  on(event: "error", fn: (err: unknown) => void): unknown;
  on(event: "end", fn: () => void): unknown;
}

/**
 * Rows of one mysql2 command as they arrive, with back-pressure: the socket is
 * paused whenever `highWater` rows wait, so a huge result never sits in memory.
 */
export class RowPump {
  fields: FieldPacket[] = [];
  header?: ResultSetHeader;
  done = false;
  private rows: unknown[][] = [];
  private error: unknown;
  private wake?: () => void;
  private sawFields = false;
  private budget?: ResultBudget;
  /** Set when a cap stopped the rows: nothing more is taken, the rest is abandoned. */
  capped?: TruncatedReason;

  /**
   * With `limits`, rows are measured as they arrive: the pump stops (and pauses the
   * socket) at the first row past the row or byte cap, and fails on an oversize value.
   */
  constructor(
    private readonly conn: PoolConnection,
    sql: string,
    params: unknown[] | undefined,
    private readonly highWater: number,
    private readonly dead: Promise<never>,
    private readonly limits?: FetchLimits,
  ) {
    // A row bigger than the whole budget (or the hard ceiling) is refused on the wire.
    guardPackets(conn, limits ? Math.max(limits.maxBytes, limits.maxValueBytes) : undefined, (err) => {
      this.error = err;
      this.notify();
    });
    // Prepared (binary protocol) only with parameters: mysql2's client-side
    // interpolation would also replace a `?` inside a string literal.
    const cmd = (
      params?.length
        ? conn.execute({ sql, values: params, rowsAsArray: true })
        : conn.query({ sql, rowsAsArray: true })
    ) as unknown as Command;
    cmd.on("fields", (fields) => {
      this.fields = fields ?? [];
      this.sawFields = true;
      if (this.limits) this.budget = new ResultBudget(this.limits, uniqueNames(this.fields.map((f) => f.name)));
      this.notify();
    });
    cmd.on("result", (row) => {
      if (Array.isArray(row)) {
        if (this.capped || this.error) return;
        if (this.budget && !this.admit(row)) return;
        this.rows.push(row);
        if (this.rows.length >= this.highWater) this.conn.pause();
      } else this.header = row as ResultSetHeader;
      this.notify();
    });
    cmd.on("error", (err) => {
      this.error = err;
      this.done = true;
      this.notify();
    });
    cmd.on("end", () => {
      this.done = true;
      this.notify();
    });
  }

  private admit(row: unknown[]): boolean {
    try {
      if (this.budget!.admit(row)) return true;
      this.capped = this.budget!.reason;
    } catch (err) {
      this.error = err;
    }
    this.conn.pause();
    this.notify();
    return false;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async wait(ready: () => boolean): Promise<void> {
    while (!ready()) {
      await Promise.race([new Promise<void>((resolve) => (this.wake = resolve)), this.dead]);
    }
    if (this.error) throw this.error;
  }

  /** Resolves once the column list (or the end of a statement without rows) is known. */
  async columns(): Promise<FieldPacket[]> {
    await this.wait(() => this.sawFields || this.done);
    return this.fields;
  }

  /** Up to `highWater` rows; an empty array once the result is exhausted. */
  async take(): Promise<unknown[][]> {
    await this.wait(() => this.rows.length >= this.highWater || this.done || this.error !== undefined || this.capped !== undefined);
    const batch = this.rows;
    this.rows = [];
    if (!this.done && !this.capped) this.conn.resume();
    return batch;
  }
}
