import "server-only";
import type pg from "pg";
import { AppError } from "../../errors";
import { RunControl } from "../control";
import type { StreamOptions } from "../types";
import { CopyFrameCollector, parserTapOf, type ParserTap } from "./copy-relay";
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
 * The socket is paused while the consumer is behind, so memory stays flat.
 *
 * Plain: the rows' bytes, which arrive as CopyData messages through pg's parser.
 * Framed (`copyFrames`): the CopyData messages themselves, taken off the socket before
 * pg's parser (copy-relay.ts), for a COPY FROM on another connection to send on as
 * they are; only whole messages are handed on.
 */
const MIN_BLOCK = 256 * 1024;
const MAX_QUEUED = 1 << 20;

class CopyOut implements pg.Submittable {
  private chunks: Buffer[] = [];
  private block = Buffer.allocUnsafe(MIN_BLOCK);
  private used = 0;
  private queued = 0;
  /** Framed: how many of the queued bytes end at a message boundary. */
  private whole = 0;
  private done = false;
  private error: unknown;
  private wake?: () => void;
  private connection?: PgConnection;

  constructor(
    private readonly text: string,
    private readonly framed: boolean,
    private readonly tap: ParserTap | undefined,
  ) {}

  submit(connection: pg.Connection): void {
    const c = connection as unknown as PgConnection;
    this.connection = c;
    if (this.framed && this.tap) this.tap.divert(new CopyFrameCollector((bytes, whole) => this.takeFrames(bytes, whole)));
    c.parse({ text: this.text }, true);
    c.bind({ values: [] }, true);
    c.execute({ rows: 0 }, true);
    c.sync();
  }

  /** Framed, off the socket: views of its chunks, which are never reused, so kept as they are. */
  private takeFrames(bytes: Buffer, whole: number): void {
    this.chunks.push(bytes);
    if (whole > 0) this.whole = this.queued + whole;
    this.queued += bytes.length;
    this.backpressure();
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    // pg's parser reuses its buffer for the next socket read, so rows are copied (once)
    // into blocks instead of being kept as views. Framed without a tap: framed here.
    const row = msg.chunk;
    const size = row.length + (this.framed ? 5 : 0);
    if (size > this.block.length - this.used) this.sealBlock();
    if (size > this.block.length) this.block = Buffer.allocUnsafe(size);
    if (this.framed) {
      this.block[this.used] = 0x64; // 'd'
      this.block.writeUInt32BE(row.length + 4, this.used + 1);
      this.used += 5;
    }
    row.copy(this.block, this.used);
    this.used += row.length;
    this.queued += size;
    this.whole = this.queued;
    this.backpressure();
  }

  private backpressure(): void {
    if (this.queued > MAX_QUEUED) this.connection?.stream.pause();
    if (this.whole >= MIN_BLOCK) this.notify();
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
    this.tap?.release();
    this.connection?.stream.resume();
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** The queued bytes up to the last message boundary; a partial message stays queued. */
  private takeWhole(): Buffer {
    this.sealBlock();
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.queued);
    const out = all.subarray(0, this.whole);
    const rest = all.subarray(this.whole);
    this.chunks = rest.length ? [rest] : [];
    this.queued = rest.length;
    this.whole = 0;
    return out;
  }

  async *chunksOut(): AsyncGenerator<Buffer> {
    for (;;) {
      // CopyData messages are one row each; handing them on one by one costs more than
      // the copy itself, so rows are passed on in blocks of at least MIN_BLOCK bytes.
      if (this.whole > 0 && (this.whole >= MIN_BLOCK || this.done || this.error)) {
        const chunk = this.takeWhole();
        if (!this.done && this.queued < MAX_QUEUED) this.connection?.stream.resume();
        yield chunk;
        continue;
      }
      if (this.error) throw this.error;
      if (this.done) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

const COPY_OPTIONS = { csv: " WITH (FORMAT csv, HEADER true)", text: "", binary: " WITH (FORMAT binary)" } as const;

export async function* copyOutPostgres(ctx: PgContext, sql: string, opts: StreamOptions): AsyncGenerator<Buffer> {
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
    copy = new CopyOut(`COPY (${body}\n) TO STDOUT${COPY_OPTIONS[opts.copyFormat ?? "csv"]}`, opts.copyFrames === true, opts.copyFrames ? parserTapOf(lease.client) : undefined);
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
