import "server-only";
import type pg from "pg";
import { AppError } from "../../errors";
import { RunControl } from "../control";
import type { StreamOptions } from "../types";
import { isFatalForClient } from "./dialect";
import { beginReadOnly, checkout, endSession, pgRunError, release, stopHandlers, type PgContext } from "./run";

interface PgConnection {
  stream: { pause(): void; resume(): void };
  parse(msg: { text: string }, more: boolean): void;
  bind(msg: { values: unknown[] }, more: boolean): void;
  execute(msg: { rows: number }, more: boolean): void;
  sync(): void;
}

/**
 * COPY … TO STDOUT sent over the extended protocol (pg-copy-streams uses the simple
 * one, which would run `SELECT 1) TO STDOUT; COMMIT; DROP …` as three statements).
 * CopyData arrives through pg's own message parser; the socket is paused while the
 * consumer is behind, so memory stays flat.
 */
const MIN_BLOCK = 256 * 1024;

class CopyOut implements pg.Submittable {
  private chunks: Buffer[] = [];
  private block = Buffer.allocUnsafe(MIN_BLOCK);
  private used = 0;
  private queued = 0;
  private done = false;
  private error: unknown;
  private wake?: () => void;
  private connection?: PgConnection;

  constructor(private readonly text: string) {}

  submit(connection: pg.Connection): void {
    const c = connection as unknown as PgConnection;
    this.connection = c;
    c.parse({ text: this.text }, true);
    c.bind({ values: [] }, true);
    c.execute({ rows: 0 }, true);
    c.sync();
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    // pg's parser reuses its buffer for the next socket read, so rows are copied (once)
    // into blocks instead of being kept as views.
    const row = msg.chunk;
    if (row.length > this.block.length - this.used) this.sealBlock();
    if (row.length >= this.block.length) this.chunks.push(Buffer.from(row));
    else {
      row.copy(this.block, this.used);
      this.used += row.length;
    }
    this.queued += row.length;
    if (this.queued > 1 << 20) this.connection?.stream.pause();
    if (this.queued >= MIN_BLOCK) this.notify();
  }

  handleError(err: unknown): void {
    this.error = err;
    this.finish();
  }

  handleReadyForQuery(): void {
    this.finish();
  }

  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}

  private sealBlock(): void {
    if (this.used === 0) return;
    this.chunks.push(this.block.subarray(0, this.used));
    this.block = Buffer.allocUnsafe(MIN_BLOCK);
    this.used = 0;
  }

  private finish(): void {
    this.done = true;
    this.connection?.stream.resume();
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *chunksOut(): AsyncGenerator<Buffer> {
    for (;;) {
      // CopyData messages are one row each; handing them on one by one costs more than
      // the copy itself, so rows are passed on in blocks of at least MIN_BLOCK bytes.
      if (this.queued > 0 && (this.queued >= MIN_BLOCK || this.done || this.error)) {
        this.sealBlock();
        const chunk = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
        this.chunks = [];
        this.queued = 0;
        if (!this.done) this.connection?.stream.resume();
        yield chunk;
        continue;
      }
      if (this.error) throw this.error;
      if (this.done) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

export async function* exportCsvPostgres(ctx: PgContext, sql: string, opts: StreamOptions): AsyncGenerator<Buffer> {
  if (opts.params?.length) throw new AppError("BAD_REQUEST", "COPY export does not take parameters");
  const control = RunControl.start(ctx.inflight, opts, 1_000);
  const lease = await checkout(ctx).catch((err) => {
    control.finish();
    throw err;
  });
  let copy: CopyOut | undefined;
  let finished = false;
  try {
    await beginReadOnly(ctx, lease, control);
    // The newline ends a trailing `--` comment; a trailing semicolon would break the wrapper.
    const body = sql.trim().replace(/;+\s*$/, "");
    copy = new CopyOut(`COPY (${body}\n) TO STDOUT${opts.copyFormat === "text" ? "" : " WITH (FORMAT csv, HEADER true)"}`);
    lease.client.query(copy);
    for await (const chunk of copy.chunksOut()) {
      control.throwIfStopped();
      yield chunk;
    }
    finished = true;
  } catch (err) {
    finished = true;
    if (isFatalForClient(err)) lease.broken = true;
    throw control.fail(err, (e) => pgRunError(ctx, e, control.timeoutMs));
  } finally {
    control.finish();
    // Abandoned mid-copy: stop the server side, and drop the connection, since the
    // protocol cannot be resumed cleanly.
    if (copy && !finished) {
      await stopHandlers(ctx, lease).soft().catch(() => {});
      lease.broken = true;
    }
    await endSession(ctx, lease);
    release(lease);
  }
}
