import "server-only";
import type { Batch } from "./types";

/** Rough in-memory size of a batch (what the byte bound and the bytes metric count). */
export function batchBytes(batch: Batch): number {
  let bytes = 0;
  // Rows of a batch with columns have those keys: no for-in over each row.
  const names = batch.columns.map((c) => c.name);
  const nameBytes = names.reduce((sum, n) => sum + n.length, 0);
  for (const row of batch.rows) {
    if (names.length) {
      bytes += nameBytes;
      for (let i = 0; i < names.length; i++) bytes += valueBytes(row[names[i]!]);
    } else for (const key in row) bytes += key.length + valueBytes(row[key]);
  }
  return bytes;
}

const valueBytes = (v: unknown) => (typeof v === "string" ? v.length : typeof v === "number" ? 8 : v === null || v === undefined ? 1 : 16);

/**
 * A bounded buffer between two nodes (one edge), as Apache Hop's row sets: the producer
 * waits while it holds `maxRows` rows or `maxBytes` bytes, so a fast extractor cannot
 * outrun a slow loader and memory stays flat. One batch is always accepted into an
 * empty buffer, however large, so a single big batch cannot stall the run.
 */
export class Channel implements AsyncIterable<Batch> {
  private queue: { batch: Batch; bytes: number }[] = [];
  private rows = 0;
  private bytes = 0;
  private closed = false;
  private error: unknown = null;
  private wakeConsumer: (() => void) | null = null;
  private wakeProducers: (() => void)[] = [];

  constructor(
    readonly maxRows: number,
    readonly maxBytes: number,
  ) {}

  private full() {
    return this.queue.length > 0 && (this.rows >= this.maxRows || this.bytes >= this.maxBytes);
  }

  async push(batch: Batch, bytes = batchBytes(batch)): Promise<void> {
    while (this.full() && !this.error && !this.closed) await new Promise<void>((r) => this.wakeProducers.push(r));
    if (this.error) throw this.error;
    if (this.closed) return; // the consumer stopped reading (e.g. a node that needs no more rows)
    this.queue.push({ batch, bytes });
    this.rows += batch.rows.length;
    this.bytes += bytes;
    this.wakeConsumer?.();
  }

  close(): void {
    this.closed = true;
    this.wakeConsumer?.();
    this.releaseProducers();
  }

  fail(error: unknown): void {
    if (this.error) return;
    this.error = error;
    this.wakeConsumer?.();
    this.releaseProducers();
  }

  private releaseProducers() {
    for (const wake of this.wakeProducers.splice(0)) wake();
  }

  [Symbol.asyncIterator](): AsyncIterator<Batch> {
    return {
      next: async () => {
        for (;;) {
          if (this.error) throw this.error;
          const item = this.queue.shift();
          if (item) {
            this.rows -= item.batch.rows.length;
            this.bytes -= item.bytes;
            this.releaseProducers();
            return { done: false, value: item.batch };
          }
          if (this.closed) return { done: true, value: undefined };
          await new Promise<void>((r) => (this.wakeConsumer = r));
          this.wakeConsumer = null;
        }
      },
      return: async () => {
        // The consumer gave up: drop what is buffered and let the producer finish.
        this.closed = true;
        this.queue = [];
        this.releaseProducers();
        return { done: true, value: undefined };
      },
    };
  }
}
