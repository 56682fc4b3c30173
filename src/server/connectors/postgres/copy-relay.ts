import "server-only";
import type { Duplex } from "node:stream";

/**
 * The relay of a COPY TO STDOUT straight into a COPY FROM STDIN on another connection.
 * The server sends each row as its own CopyData message, and the client sends CopyData
 * messages of the same shape (`d`, Int32 length, bytes). Passing each row through pg's
 * parser (a message object and an event per row) costs more CPU than the server spends
 * on it; instead, CopyData frames are taken off the socket before pg's parser sees them
 * and written on, as they are, to the other connection. Everything else (CopyOutResponse,
 * CopyDone, CommandComplete, errors, ReadyForQuery) still goes to pg.
 */

type DataListener = (chunk: Buffer) => void;
const COPY_DATA = 0x64; // 'd'

/** Splits one socket chunk: CopyData frames to `frames`, the rest back to pg. */
export interface Diverter {
  split(chunk: Buffer, toPg: DataListener): void;
  /** Whether the bytes split so far end at a message boundary (pg can take over). */
  atBoundary?(): boolean;
}

/**
 * Sits where pg's own "data" listener was (behind the FrameGuard, which still reads
 * every byte) and hands chunks to pg, or, while a diverter is set, to the diverter.
 */
export class ParserTap {
  private diverter?: Diverter;

  constructor(stream: Duplex, private readonly parser: DataListener[]) {
    for (const listener of parser) stream.removeListener("data", listener);
    stream.on("data", (chunk: Buffer) => (this.diverter ? this.diverter.split(chunk, this.toPg) : this.toPg(chunk)));
  }

  private toPg = (chunk: Buffer): void => {
    for (const listener of this.parser) listener(chunk);
  };

  /** Only at a message boundary: with the connection idle, before a query is sent. */
  divert(diverter: Diverter): void {
    this.diverter = diverter;
  }

  release(): void {
    this.diverter = undefined;
  }

  /**
   * Releases the diverter if pg can take over at a message boundary; false (diverter
   * kept, so pg never reads half a message) when the connection must be dropped instead.
   */
  releaseAtBoundary(): boolean {
    if (this.diverter?.atBoundary && !this.diverter.atBoundary()) return false;
    this.release();
    return true;
  }
}

/**
 * Walks the framing of the server's messages (headers only) and collects the CopyData
 * frames as views of the socket's chunks (no copy per row). A frame may end in the
 * next chunk; the consumer passes on only whole frames, so a COPY FROM fed with them
 * can always be failed cleanly (CopyFail lands at a message boundary).
 */
export class CopyFrameCollector implements Diverter {
  /** Bytes of the current message still to come, and whether it is CopyData. */
  private left = 0;
  private relaying = false;
  /** A message header split between two chunks. */
  private header = Buffer.alloc(5);
  private headerLength = 0;

  /** `frames` gets the CopyData bytes in order; the first `whole` of them end at a frame boundary. */
  constructor(private readonly frames: (bytes: Buffer, whole: number) => void) {}

  split(chunk: Buffer, toPg: DataListener): void {
    let i = 0;
    let runStart = 0;
    // A chunk may begin inside a message: its bytes go where that message's went.
    let runRelays = this.relaying;
    let boundary = 0;
    const switchTo = (relays: boolean) => {
      if (relays === runRelays) return;
      if (i > runStart) {
        if (runRelays) this.frames(chunk.subarray(runStart, i), i - runStart);
        else toPg(chunk.subarray(runStart, i));
      }
      runStart = i;
      runRelays = relays;
    };
    while (i < chunk.length) {
      if (this.left > 0) {
        const n = Math.min(this.left, chunk.length - i);
        this.left -= n;
        i += n;
        continue;
      }
      if (this.headerLength === 0) {
        // A message starts at i; its type byte decides where it goes.
        boundary = i;
        this.relaying = chunk[i] === COPY_DATA;
        switchTo(this.relaying);
        if (i + 5 <= chunk.length) {
          this.left = 1 + chunk.readUInt32BE(i + 1);
          continue;
        }
      }
      // A header split between two chunks.
      const n = Math.min(5 - this.headerLength, chunk.length - i);
      chunk.copy(this.header, this.headerLength, i, i + n);
      this.headerLength += n;
      i += n;
      if (this.headerLength === 5) {
        this.headerLength = 0;
        this.left = this.header.readUInt32BE(1) - 4;
      }
    }
    if (chunk.length === runStart) return;
    if (this.left === 0 && this.headerLength === 0) boundary = chunk.length;
    if (runRelays) this.frames(chunk.subarray(runStart), Math.max(0, boundary - runStart));
    else toPg(chunk.subarray(runStart));
  }
}

const taps = new WeakMap<object, ParserTap>();

export function parserTapOf(client: object): ParserTap | undefined {
  return taps.get(client);
}

/** Called by the guarded client with the stream pg parses and pg's listeners on it. */
export function installParserTap(client: object, stream: Duplex, parser: DataListener[]): void {
  taps.set(client, new ParserTap(stream, parser));
}
