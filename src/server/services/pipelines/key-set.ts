import "server-only";

/**
 * An exact set of strings kept as UTF-8 bytes off the JavaScript heap, for dedupe keys.
 * A million keys as V8 strings in a Set cost about a second on the bench (hashing each
 * string, rehashing the table as it grows, and the garbage collector copying every kept
 * string out of the young generation). Here each key is written once into an arena,
 * hashed over its bytes, and compared byte for byte where hashes match, so two
 * different keys are never taken for one.
 */
const EMPTY = 0;
// Buffer's own UTF-8 writer, without write()'s encoding lookup and argument checks (a
// tenth of the time per key); the offset is always in range here.
const utf8Write = (Buffer.prototype as unknown as { utf8Write?: (s: string, offset: number) => number }).utf8Write;

export class KeySet {
  private arena = Buffer.allocUnsafe(1 << 20);
  private tail = 0;
  /** Open addressing, two cells per slot: the key's hash, and its entry index + 1 (EMPTY where free), so a probe reads one place. */
  private slots = new Int32Array(2 << 12);
  private starts = new Float64Array(1 << 11);
  private lengths = new Uint32Array(1 << 11);
  private hashes = new Int32Array(1 << 11);
  size = 0;

  /** Adds `key`; true when it was not in the set yet. */
  add(key: string): boolean {
    if (this.tail + key.length * 3 + 1 > this.arena.length) this.growArena(key.length * 3 + 1);
    const arena = this.arena;
    const start = this.tail;
    let length: number;
    if ((key as unknown as { isWellFormed(): boolean }).isWellFormed()) length = utf8Write ? utf8Write.call(arena, key, start) : arena.write(key, start, "utf8");
    else {
      // UTF-8 would turn every lone surrogate into U+FFFD, making different keys one:
      // such a key is kept as its UTF-16 code units, after a byte UTF-8 never has.
      arena[start] = 0xff;
      length = 1 + arena.write(key, start + 1, "utf16le");
    }
    let h = 0x811c9dc5 ^ length;
    for (let i = start, end = start + length; i < end; i++) h = Math.imul(h ^ arena[i]!, 0x01000193);
    // FNV-1a's low bits are weak for a power-of-two table: mix them (murmur3's finaliser).
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[2 * slot + 1]! - 1;
      if (entry < 0) {
        this.insert(slot, h, start, length);
        return true;
      }
      if (slots[2 * slot] === h && this.lengths[entry] === length) {
        const at = this.starts[entry]!;
        if (arena.compare(arena, at, at + length, start, start + length) === 0) return false;
      }
    }
  }

  private insert(slot: number, hash: number, start: number, length: number): void {
    const entry = this.size++;
    if (entry === this.starts.length) {
      this.starts = grown(this.starts);
      this.lengths = grown(this.lengths);
      this.hashes = grown(this.hashes);
    }
    this.starts[entry] = start;
    this.lengths[entry] = length;
    this.hashes[entry] = hash;
    this.slots[2 * slot] = hash;
    this.slots[2 * slot + 1] = entry + 1;
    this.tail = start + length;
    // At most half full, so probes stay short.
    if (this.size > this.slots.length >> 2) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = (slots.length >> 1) - 1;
    for (let entry = 0; entry < this.size; entry++) {
      const hash = this.hashes[entry]!;
      let slot = hash & mask;
      while (slots[2 * slot + 1] !== EMPTY) slot = (slot + 1) & mask;
      slots[2 * slot] = hash;
      slots[2 * slot + 1] = entry + 1;
    }
    this.slots = slots;
  }

  private growArena(need: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.tail + need));
    this.arena.copy(next, 0, 0, this.tail);
    this.arena = next;
  }
}

function grown<T extends Float64Array | Uint32Array | Int32Array>(array: T): T {
  const next = new (array.constructor as new (n: number) => T)(array.length * 2);
  next.set(array);
  return next;
}
