import "server-only";
import { AppError } from "../../errors";
import { jsonSafe } from "../values";
import type { Diverter } from "./copy-relay";

/**
 * A streamed read's DataRow messages taken off the socket before pg's parser and
 * decoded straight into row records. pg builds a message object, an event, a
 * field array and a row array per row before the connector turns it into a record: on
 * a pipeline's million rows that was a fifth of the Node path's time. Everything else
 * (RowDescription, PortalSuspended, CommandComplete, errors, ReadyForQuery) still goes
 * to pg, so pg-cursor keeps the protocol's state and only its row arrays stay empty.
 */

const DATA_ROW = 0x44; // 'D'
const PORTAL_SUSPENDED = 0x73; // 's'
const COMMAND_COMPLETE = 0x43; // 'C'
const ERROR_RESPONSE = 0x45; // 'E'

/**
 * Collects DataRow messages batch by batch: a batch ends where the server ends an
 * Execute (PortalSuspended, CommandComplete or an error), which is also where
 * pg-cursor hands over its (empty) rows. Each piece holds whole DataRow messages only:
 * runs of them as views of the socket's chunks, a message split between chunks copied
 * together once.
 */
export class DataRowCollector implements Diverter {
  private pieces: Buffer[] = [];
  private batches: Buffer[][] = [];
  /** Bytes of the current message still to come. */
  private left = 0;
  /** The current message is a DataRow split between chunks, stitched here. */
  private partial: Buffer | null = null;
  private partialLength = 0;
  /** A message header split between chunks. */
  private header = Buffer.alloc(5);
  private headerLength = 0;

  /** The DataRow pieces of the oldest Execute the server has ended (empty when none has). */
  take(): Buffer[] {
    return this.batches.shift() ?? [];
  }

  /** Whether the bytes seen so far end at a message boundary (the tap can be released). */
  atBoundary(): boolean {
    return this.left === 0 && this.headerLength === 0;
  }

  split(chunk: Buffer, toPg: (chunk: Buffer) => void): void {
    const n = chunk.length;
    let i = 0;
    // The chunk's bytes go out as runs: whole DataRows to the batch, the rest to pg.
    let runStart = 0;
    let runRows = false;
    const endRun = (at: number) => {
      if (at > runStart) {
        if (runRows) this.pieces.push(chunk.subarray(runStart, at));
        else toPg(chunk.subarray(runStart, at));
      }
      runStart = at;
    };
    while (i < n) {
      if (this.left > 0) {
        // Inside a message begun in an earlier chunk.
        const take = Math.min(this.left, n - i);
        if (this.partial) {
          chunk.copy(this.partial, this.partialLength, i, i + take);
          this.partialLength += take;
        }
        this.left -= take;
        i += take;
        if (this.partial) {
          runStart = i;
          if (this.left === 0) {
            this.pieces.push(this.partial);
            this.partial = null;
          }
        }
        continue;
      }
      let type: number;
      let length: number;
      if (this.headerLength > 0 || i + 5 > n) {
        // A header split between chunks: gather its five bytes first.
        endRun(i);
        const take = Math.min(5 - this.headerLength, n - i);
        chunk.copy(this.header, this.headerLength, i, i + take);
        this.headerLength += take;
        i += take;
        if (this.headerLength < 5) {
          runStart = i;
          break;
        }
        this.headerLength = 0;
        type = this.header[0]!;
        length = 1 + this.header.readUInt32BE(1);
        if (type === DATA_ROW) {
          this.partial = Buffer.allocUnsafe(length);
          this.header.copy(this.partial, 0, 0, 5);
          this.partialLength = 5;
          runStart = i;
        } else {
          // pg parses split messages itself: give it the header, the rest follows as it comes.
          toPg(Buffer.from(this.header));
          runStart = i;
          runRows = false;
          this.endsBatch(type);
        }
        this.left = length - 5;
        continue;
      }
      type = chunk[i]!;
      length = 1 + chunk.readUInt32BE(i + 1);
      const isRow = type === DATA_ROW;
      if (isRow !== runRows) {
        endRun(i);
        runRows = isRow;
      }
      if (!isRow) this.endsBatch(type);
      if (i + length <= n) {
        i += length;
        continue;
      }
      // The message goes on in the next chunk.
      if (isRow) {
        endRun(i);
        this.partial = Buffer.allocUnsafe(length);
        chunk.copy(this.partial, 0, i, n);
        this.partialLength = n - i;
        runStart = n;
      }
      this.left = length - (n - i);
      i = n;
    }
    endRun(n);
  }

  /** An Execute's end: the rows gathered so far are its batch (an error's are dropped). */
  private endsBatch(type: number): void {
    if (type === PORTAL_SUSPENDED || type === COMMAND_COMPLETE) {
      this.batches.push(this.pieces);
      this.pieces = [];
    } else if (type === ERROR_RESPONSE) this.pieces = [];
  }
}

export type TextParser = (text: string) => unknown;

// Buffer's own UTF-8 reader, without toString()'s encoding lookup and argument checks
// (undocumented, hence the fallback).
interface Utf8Sliced {
  utf8Slice(start: number, end: number): string;
}
const hasUtf8Slice = typeof (Buffer.prototype as unknown as Partial<Utf8Sliced>).utf8Slice === "function";

/**
 * Decodes whole DataRow messages (text format) into records keyed by `keys`, each
 * value through its column's type parser as pg would apply it, then made JSON-safe as
 * every connector's rows are.
 */
export function decodeDataRows(pieces: Buffer[], keys: string[], parsers: TextParser[], out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  const width = keys.length;
  for (const b of pieces) {
    let at = 0;
    while (at < b.length) {
      const end = at + 1 + ((b[at + 1]! << 24) | (b[at + 2]! << 16) | (b[at + 3]! << 8) | b[at + 4]!);
      const fields = (b[at + 5]! << 8) | b[at + 6]!;
      if (fields !== width) throw new AppError("INTERNAL", `A row of ${fields} fields came for a query of ${width} columns`);
      let p = at + 7;
      const record: Record<string, unknown> = {};
      for (let f = 0; f < width; f++) {
        const size = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
        p += 4;
        if (size < 0) {
          record[keys[f]!] = null;
          continue;
        }
        const value = parsers[f]!(hasUtf8Slice ? (b as unknown as Utf8Sliced).utf8Slice(p, p + size) : b.toString("utf8", p, p + size));
        p += size;
        record[keys[f]!] = typeof value === "string" ? value : jsonSafe(value);
      }
      out.push(record);
      at = end;
    }
  }
  return out;
}
