import { describe, expect, it } from "vitest";
import { CopyFrameCollector } from "./copy-relay";

const message = (type: string, body: Buffer) => {
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};

/** A server's answer to a COPY TO over the extended protocol, with `rows` CopyData messages. */
function copyAnswer(rows: number, seed: number) {
  let x = seed;
  const random = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const before = [message("1", Buffer.alloc(0)), message("2", Buffer.alloc(0)), message("H", Buffer.from([0, 0, 2, 0, 0, 0, 0]))];
  const frames = Array.from({ length: rows }, (_, i) => message("d", Buffer.from(`${i}\t${"x".repeat(Math.floor(random() * 40))}\n`)));
  const after = [message("c", Buffer.alloc(0)), message("C", Buffer.from("COPY 3\0")), message("Z", Buffer.from("T"))];
  return { before: Buffer.concat(before), frames: Buffer.concat(frames), after: Buffer.concat(after), random };
}

function feed(chunks: Buffer[]) {
  const relayed: { bytes: Buffer; whole: number }[] = [];
  const toPg: Buffer[] = [];
  const collector = new CopyFrameCollector((bytes, whole) => relayed.push({ bytes: Buffer.from(bytes), whole }));
  for (const chunk of chunks) collector.split(chunk, (b) => toPg.push(Buffer.from(b)));
  return { relayed, pg: Buffer.concat(toPg) };
}

/** Where each call said its whole frames end, as offsets into all relayed bytes: each must be a frame boundary. */
function wholePrefixes(relayed: { bytes: Buffer; whole: number }[]): number[] {
  const cuts: number[] = [];
  let at = 0;
  for (const r of relayed) {
    expect(r.whole).toBeGreaterThanOrEqual(0);
    expect(r.whole).toBeLessThanOrEqual(r.bytes.length);
    if (r.whole > 0) cuts.push(at + r.whole);
    at += r.bytes.length;
  }
  return cuts;
}

function frameBoundaries(frames: Buffer): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < frames.length; i += 1 + frames.readUInt32BE(i + 1)) out.add(i + 1 + frames.readUInt32BE(i + 1));
  return out;
}

describe("CopyFrameCollector", () => {
  it("takes exactly the CopyData frames off a stream cut into chunks of any size, the rest going to pg", () => {
    for (const seed of [1, 7, 42, 1234]) {
      const { before, frames, after, random } = copyAnswer(300, seed);
      const whole = Buffer.concat([before, frames, after]);
      for (const maxChunk of [1, 2, 3, 5, 6, 17, 64, 1000, whole.length]) {
        const chunks: Buffer[] = [];
        for (let i = 0; i < whole.length; ) {
          const n = Math.max(1, Math.min(maxChunk, Math.ceil(random() * maxChunk)));
          chunks.push(whole.subarray(i, i + n));
          i += n;
        }
        const { relayed, pg } = feed(chunks);
        expect(Buffer.concat(relayed.map((r) => r.bytes)).equals(frames)).toBe(true);
        expect(pg.equals(Buffer.concat([before, after]))).toBe(true);
        const boundaries = frameBoundaries(frames);
        const cuts = wholePrefixes(relayed);
        expect(cuts.length).toBeGreaterThan(0);
        for (const cut of cuts) expect(boundaries.has(cut)).toBe(true);
        expect(cuts.at(-1)).toBe(frames.length);
        // With chunks larger than a frame, nearly every chunk hands some whole frames on.
        if (maxChunk >= 1000) expect(cuts.length).toBeGreaterThanOrEqual(relayed.length - 1);
      }
    }
  });

  it("passes everything to pg when no CopyData comes (an error instead of the copy)", () => {
    const error = Buffer.concat([message("E", Buffer.from("SERROR\0Mpermission denied\0\0")), message("Z", Buffer.from("I"))]);
    for (const size of [1, 4, 5, error.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < error.length; i += size) chunks.push(error.subarray(i, i + size));
      const { relayed, pg } = feed(chunks);
      expect(relayed).toEqual([]);
      expect(pg.equals(error)).toBe(true);
    }
  });
});
