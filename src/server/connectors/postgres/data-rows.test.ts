import { describe, expect, it } from "vitest";
import { DataRowCollector, decodeDataRows, type TextParser } from "./data-rows";

const message = (type: string, body: Buffer) => {
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};

/** A DataRow of text values; null is SQL NULL (length -1). */
function dataRow(values: (string | null)[]): Buffer {
  const parts: Buffer[] = [Buffer.from([values.length >> 8, values.length & 0xff])];
  for (const v of values) {
    const size = Buffer.alloc(4);
    if (v === null) size.writeInt32BE(-1);
    else size.writeInt32BE(Buffer.byteLength(v));
    parts.push(size);
    if (v !== null) parts.push(Buffer.from(v));
  }
  return message("D", Buffer.concat(parts));
}

/**
 * A cursor's answer over the extended protocol: row description, then one Execute per
 * batch ending in PortalSuspended, the last in CommandComplete, then close and ready;
 * notices in between, and a second statement's rows lost to an error.
 */
function cursorAnswer(batches: number, seed: number) {
  let x = seed;
  const random = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const text = () => {
    const chars = ["a", "é", "€", "𝄞", "\t", "\\", " ", "0"];
    return Array.from({ length: Math.floor(random() * 30) }, () => chars[Math.floor(random() * chars.length)]).join("");
  };
  const toPg: Buffer[] = [message("1", Buffer.alloc(0)), message("2", Buffer.alloc(0)), message("T", Buffer.from("fields-described-here"))];
  const all: Buffer[] = [...toPg];
  const expected: (string | null)[][][] = [];
  for (let b = 0; b < batches; b++) {
    const rows: (string | null)[][] = [];
    for (let r = Math.floor(random() * 40); r > 0; r--) {
      const row = [String(b * 1000 + r), random() < 0.2 ? null : text(), random() < 0.1 ? "" : text()];
      rows.push(row);
      all.push(dataRow(row));
      if (random() < 0.05) {
        const notice = message("N", Buffer.from("SNOTICE\0Mhello\0\0"));
        all.push(notice);
        toPg.push(notice);
      }
    }
    expected.push(rows);
    const end = b === batches - 1 ? message("C", Buffer.from("SELECT 9\0")) : message("s", Buffer.alloc(0));
    all.push(end);
    toPg.push(end);
  }
  const tail = [message("3", Buffer.alloc(0)), message("Z", Buffer.from("T"))];
  all.push(...tail);
  toPg.push(...tail);
  return { whole: Buffer.concat(all), pg: Buffer.concat(toPg), expected, random };
}

const asText: TextParser[] = [(t) => Number(t), (t) => t, (t) => t];

describe("DataRowCollector", () => {
  it("takes exactly the DataRows off a stream cut into chunks of any size, batch by batch, the rest going to pg in order", () => {
    for (const seed of [3, 11, 99, 2024]) {
      const { whole, pg, expected, random } = cursorAnswer(12, seed);
      for (const maxChunk of [1, 2, 4, 5, 6, 7, 13, 100, 4096, whole.length]) {
        const collector = new DataRowCollector();
        const toPg: Buffer[] = [];
        for (let i = 0; i < whole.length; ) {
          const n = Math.max(1, Math.min(maxChunk, Math.ceil(random() * maxChunk)));
          collector.split(whole.subarray(i, i + n), (b) => toPg.push(Buffer.from(b)));
          i += n;
        }
        expect(Buffer.concat(toPg).equals(pg), `pg's bytes, chunks ≤ ${maxChunk}`).toBe(true);
        expect(collector.atBoundary()).toBe(true);
        for (const rows of expected) {
          const records = decodeDataRows(collector.take(), ["id", "a", "b"], asText);
          expect(records).toEqual(rows.map(([id, a, b]) => ({ id: Number(id), a, b })));
        }
        expect(collector.take()).toEqual([]);
      }
    }
  });

  it("drops the rows of an Execute that failed and says when it stopped mid-row", () => {
    const rows = Buffer.concat([dataRow(["1", "x"]), dataRow(["2", "y"])]);
    const error = message("E", Buffer.from("SERROR\0Mdivision by zero\0\0"));
    const collector = new DataRowCollector();
    const toPg: Buffer[] = [];
    collector.split(Buffer.concat([rows, error, message("Z", Buffer.from("E"))]), (b) => toPg.push(b));
    expect(collector.take()).toEqual([]);
    expect(Buffer.concat(toPg).equals(Buffer.concat([error, message("Z", Buffer.from("E"))]))).toBe(true);

    const cut = dataRow(["3", "a longer value"]);
    collector.split(cut.subarray(0, 9), () => undefined);
    expect(collector.atBoundary()).toBe(false);
    collector.split(cut.subarray(9), () => undefined);
    expect(collector.atBoundary()).toBe(true);
    collector.split(Buffer.from([0x44, 0, 0]), () => undefined);
    expect(collector.atBoundary()).toBe(false);
  });
});

describe("decodeDataRows", () => {
  it("applies each column's parser, keeps NULL and empty text apart, and makes values JSON-safe", () => {
    const pieces = [Buffer.concat([dataRow(["42", null, ""]), dataRow(["9007199254740993", "t", "2024-01-02"])])];
    const parsers: TextParser[] = [(t) => BigInt(t), (t) => t === "t", (t) => (t ? new Date(`${t}T00:00:00Z`) : t)];
    expect(decodeDataRows(pieces, ["n", "flag", "day"], parsers)).toEqual([
      { n: 42, flag: null, day: "" },
      { n: "9007199254740993", flag: true, day: "2024-01-02T00:00:00.000Z" },
    ]);
  });

  it("refuses a row whose width is not the described one", () => {
    expect(() => decodeDataRows([dataRow(["1", "2"])], ["only"], [(t) => t])).toThrow(/2 fields/);
  });
});
