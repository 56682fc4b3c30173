import "server-only";
import type { Duplex } from "node:stream";
import type { PoolConnection } from "mysql2";
import { HARD_VALUE_CEILING, valueTooLarge } from "../limits";

/**
 * mysql2 joins a result row's packets (16 MB each at most) into one buffer and decodes
 * each value into one string; with a large `max_allowed_packet`, a value past V8's
 * string limit throws inside the socket's "data" handler, uncaught. This guard reads
 * only the packet headers alongside mysql2 and destroys the socket with a clear error
 * as soon as one logical packet (a row) is announced larger than the limit, before
 * mysql2 has buffered it.
 */
const MAX_PACKET = 0xffffff;

class PacketGuard {
  limit = HARD_VALUE_CEILING;
  /** Who learns why the connection went: mysql2 tells only the connection, not the command. */
  onTrip?: (err: Error) => void;
  private header = Buffer.alloc(4);
  private headerLength = 0;
  private skip = 0;
  /** Bytes of the logical packet so far, while it spans several 16 MB packets. */
  private joined = 0;
  private tripped = false;

  constructor(
    private readonly conn: PoolConnection,
    private readonly stream: Duplex,
  ) {
    stream.prependListener("data", (chunk: Buffer) => this.scan(chunk));
  }

  private scan(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && !this.tripped) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const n = Math.min(4 - this.headerLength, chunk.length - i);
      chunk.copy(this.header, this.headerLength, i, i + n);
      this.headerLength += n;
      i += n;
      if (this.headerLength < 4) continue;
      this.headerLength = 0;
      const length = this.header.readUIntLE(0, 3);
      this.joined += length;
      if (this.joined > this.limit) {
        this.tripped = true;
        this.onTrip?.(valueTooLarge(this.limit, "row"));
        // Closed as Quarry's own doing (no "error" event): the server sees the socket go.
        this.conn.destroy();
        this.stream.destroy();
        return;
      }
      if (length < MAX_PACKET) this.joined = 0;
      this.skip = length;
    }
  }
}

const guards = new WeakMap<object, PacketGuard>();

/**
 * Limits the rows of `conn`'s next results to `limitBytes` (or the hard ceiling).
 * Attached while the connection is idle, so the next byte starts a packet header.
 */
export function guardPackets(conn: PoolConnection, limitBytes: number | undefined, onTrip: (err: Error) => void): void {
  const stream = (conn as unknown as { stream?: Duplex }).stream;
  if (!stream || (conn as unknown as { config?: { compress?: boolean } }).config?.compress) return;
  let guard = guards.get(stream);
  if (!guard) guards.set(stream, (guard = new PacketGuard(conn, stream)));
  guard.limit = Math.min(limitBytes ?? HARD_VALUE_CEILING, HARD_VALUE_CEILING);
  guard.onTrip = onTrip;
}
