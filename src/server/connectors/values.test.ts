import { describe, expect, it } from "vitest";
import { decimalText, integerText, jsonSafe, toRecords, uniqueNames } from "./values";

describe("connector values", () => {
  it("makes driver values JSON-safe", () => {
    expect(jsonSafe(2n ** 60n)).toBe("1152921504606846976");
    expect(jsonSafe(42n)).toBe(42);
    expect(jsonSafe(new Date("2024-01-02T03:04:05Z"))).toBe("2024-01-02T03:04:05.000Z");
    expect(jsonSafe(new Date("nope"))).toBeNull();
    expect(jsonSafe(Buffer.from([0, 255]))).toBe("AP8=");
    expect(jsonSafe(Number.NaN)).toBe("NaN");
    expect(jsonSafe(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(jsonSafe({ a: [1n, new Uint8Array([1])], b: undefined })).toEqual({ a: [1, "AQ=="], b: null });
  });

  it("keeps integers and decimals exact, as numbers only when a double holds them", () => {
    expect(integerText("9007199254740991")).toBe(9007199254740991);
    expect(integerText("9007199254740993")).toBe("9007199254740993");
    expect(decimalText("1234.50")).toBe(1234.5);
    expect(decimalText("-0.000123")).toBe(-0.000123);
    expect(decimalText("123456789012345.6")).toBe("123456789012345.6");
    expect(decimalText("NaN")).toBe("NaN");
    // Only what the plain decimal pattern matches becomes a number.
    for (const [text, want] of [["+.5", 0.5], ["-12", -12], ["0.25", 0.25], ["7", 7], ["1.", "1."], [".", "."], ["-", "-"], ["", ""], ["1.2.3", "1.2.3"], ["0x1F", "0x1F"], ["1e5", "1e5"], [" 1", " 1"], ["Infinity", "Infinity"], ["--1", "--1"]] as const) {
      expect(decimalText(text), text).toBe(want);
    }
  });

  it("turns decimal text into a number exactly where 15 significant digits hold it, whatever its length", () => {
    // The rule as a pattern, the way it read before the one-pass scan: the scan must agree on every text.
    const byPattern = (text: string) => {
      if (!/^[-+]?\d*\.?\d+$/.test(text)) return text;
      return text.replace(/[-+.]/g, "").replace(/^0+/, "").length > 15 ? text : Number(text);
    };
    const alphabet = ["0", "1", "5", "9", "0", ".", "-", "+", "e", " "];
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let k = 0; k < 20_000; k++) {
      const length = Math.floor(next() * 26);
      let text = "";
      // Half of the texts are plain decimals (digits, maybe a point and a sign) around the 15-digit edge.
      const plain = k % 2 === 0;
      for (let i = 0; i < length; i++) text += plain ? alphabet[Math.floor(next() * 5)] : alphabet[Math.floor(next() * alphabet.length)];
      if (plain && next() < 0.3) text = "-" + text;
      expect(decimalText(text), JSON.stringify(text)).toBe(byPattern(text));
    }
    // numeric division's scale: long text of few significant digits stays text only past 15.
    expect(decimalText("123.45000000000000000000")).toBe("123.45000000000000000000");
    expect(decimalText("0.00000000000000000012345")).toBe(1.2345e-19);
    expect(decimalText("-000000000000000000001.5")).toBe(-1.5);
    expect(decimalText("1234567890.12345")).toBe(1234567890.12345);
    expect(decimalText("1234567890.123456")).toBe("1234567890.123456");
  });

  it("gives duplicate column names unique keys", () => {
    expect(uniqueNames(["id", "id", "name", "id_2", "id"])).toEqual(["id", "id_3", "name", "id_2", "id_4"]);
    expect(toRecords(["a", "b"], [[1, null]], [(v) => Number(v) * 10])).toEqual([{ a: 10, b: null }]);
  });
});
