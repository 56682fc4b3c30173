import "server-only";
import type { Duplex } from "node:stream";
import pg from "pg";
import { HARD_VALUE_CEILING, valueTooLarge } from "../limits";
import { installParserTap } from "./copy-relay";

/**
 * pg buffers a whole protocol message before parsing it, and decodes each value into
 * one string: a 540 MB text value grew the buffer past 1 GB and then threw
 * ERR_STRING_TOO_LONG inside the socket's "data" handler, an uncaught exception that
 * no query callback sees. This guard reads the message framing alongside pg (headers
 * and value lengths only, never the data) and, at the first value or row over the
 * limit, destroys the socket with a clear error, before the value is buffered. The
 * server notices the closed socket and ends the backend's query.
 */
export interface FrameLimits {
  /** Largest single column value of a DataRow. */
  maxValueBytes: number;
  /** Largest whole message (a DataRow, an ErrorResponse quoting a value, …). */
  maxMessageBytes: number;
}

const UNARMED: FrameLimits = { maxValueBytes: HARD_VALUE_CEILING, maxMessageBytes: HARD_VALUE_CEILING };
const DATA_ROW = 0x44; // 'D'

export class FrameGuard {
  private limits = UNARMED;
  private header = Buffer.alloc(5);
  private headerLength = 0;
  /** Bytes still to skip in the current message (or value, inside a DataRow). */
  private skip = 0;
  /** Inside a DataRow: bytes of it not yet seen, and the field header being collected. */
  private rowLeft = 0;
  private rowSize = 0;
  private field = Buffer.alloc(4);
  private fieldLength = 0;
  private fieldNeed = 0;
  private tripped = false;

  constructor(private readonly stream: Duplex) {
    // Ahead of pg's own listener, so the socket is gone before pg sees more of the message.
    stream.prependListener("data", (chunk: Buffer) => this.scan(chunk));
  }

  arm(limits: Partial<FrameLimits>): void {
    this.limits = {
      maxValueBytes: Math.min(limits.maxValueBytes ?? UNARMED.maxValueBytes, UNARMED.maxValueBytes),
      maxMessageBytes: Math.min(limits.maxMessageBytes ?? UNARMED.maxMessageBytes, UNARMED.maxMessageBytes),
    };
  }

  disarm(): void {
    this.limits = UNARMED;
  }

  private trip(limit: number, what: "value" | "row"): void {
    if (this.tripped) return;
    this.tripped = true;
    this.stream.destroy(valueTooLarge(limit, what));
  }

  private scan(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && !this.tripped) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        if (this.rowLeft > 0) {
          this.rowLeft -= n;
          // Values each under the cap can still add up to a row over the message cap.
          if (this.rowSize - this.rowLeft > this.limits.maxMessageBytes) this.trip(this.limits.maxMessageBytes, "row");
        }
        continue;
      }
      if (this.rowLeft > 0) {
        // A DataRow: Int16 column count, then per column Int32 length (-1 = NULL) and bytes.
        let length: number;
        if (this.fieldLength === 0 && i + this.fieldNeed <= chunk.length) {
          // The whole field header is in this chunk (nearly always): read in place, no copy per value.
          length = this.fieldNeed === 4 ? chunk.readInt32BE(i) : 0;
          this.rowLeft -= this.fieldNeed;
          i += this.fieldNeed;
        } else {
          const n = Math.min(this.fieldNeed - this.fieldLength, chunk.length - i);
          chunk.copy(this.field, this.fieldLength, i, i + n);
          this.fieldLength += n;
          this.rowLeft -= n;
          i += n;
          if (this.fieldLength < this.fieldNeed) continue;
          length = this.fieldNeed === 4 ? this.field.readInt32BE(0) : 0;
        }
        if (this.fieldNeed === 4) {
          if (length > this.limits.maxValueBytes) this.trip(this.limits.maxValueBytes, "value");
          else if (length > 0) this.skip = length;
        }
        this.fieldNeed = 4;
        this.fieldLength = 0;
        continue;
      }
      let type: number;
      let body: number;
      if (this.headerLength === 0 && i + 5 <= chunk.length) {
        type = chunk[i]!;
        body = chunk.readUInt32BE(i + 1) - 4;
        i += 5;
      } else {
        const n = Math.min(5 - this.headerLength, chunk.length - i);
        chunk.copy(this.header, this.headerLength, i, i + n);
        this.headerLength += n;
        i += n;
        if (this.headerLength < 5) continue;
        this.headerLength = 0;
        type = this.header[0]!;
        body = this.header.readUInt32BE(1) - 4;
      }
      if (type === DATA_ROW && body > 0) {
        // Read on into the row even when it is over the message cap: an oversize value
        // in it is the better explanation, and is found before much is buffered.
        this.rowSize = body;
        this.rowLeft = body;
        this.fieldNeed = 2;
        this.fieldLength = 0;
      } else if (body > this.limits.maxMessageBytes) {
        // Includes CopyData: COPY export rows go through pg's parser too, whole.
        this.trip(this.limits.maxMessageBytes, "value");
      } else this.skip = body;
    }
  }
}

const guards = new WeakMap<object, FrameGuard>();

export function frameGuardOf(client: pg.ClientBase): FrameGuard | undefined {
  return guards.get(client);
}

/**
 * A pg.Client whose connection gets a FrameGuard on whichever stream pg parses (the
 * TCP socket, or the TLS stream after an SSL upgrade), from the first byte on, and a
 * ParserTap in front of pg's parser (for relaying COPY without parsing it).
 */
export class GuardedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const connection = (this as unknown as { connection: { attachListeners(stream: Duplex): void } }).connection;
    const attach = connection.attachListeners.bind(connection);
    connection.attachListeners = (stream: Duplex) => {
      guards.set(this, new FrameGuard(stream));
      coalesceWrites(stream);
      const before = new Set(stream.listeners("data"));
      attach(stream);
      installParserTap(this, stream, stream.listeners("data").filter((l) => !before.has(l)) as ((chunk: Buffer) => void)[]);
    };
  }
}

/**
 * pg writes each protocol message on its own (a cursor read is Parse, Bind, Describe,
 * Execute, Flush: five socket writes, five syscalls). Messages written in the same tick
 * go out together here, corked until the next tick, so a statement is one write; under
 * load the syscalls cost more CPU than the rest of the PostgreSQL side of a read.
 */
function coalesceWrites(stream: Duplex): void {
  let corked = false;
  const uncork = () => {
    corked = false;
    stream.uncork();
  };
  const write = stream.write;
  stream.write = function (this: Duplex, ...args: Parameters<Duplex["write"]>) {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Duplex["write"];
}
