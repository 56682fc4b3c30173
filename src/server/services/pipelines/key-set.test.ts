import { describe, expect, it } from "vitest";
import { KeySet } from "./key-set";

describe("KeySet", () => {
  it("answers as a Set of the same strings would, across its growth", () => {
    let x = 12345;
    const random = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const alphabet = ["a", "B", " ", "é", "ß", "€", "😀", "\u0000", "\t", "z", "0", "\uD800", "\uDC00"];
    const keys: string[] = [];
    for (let i = 0; i < 120_000; i++) {
      const n = Math.floor(random() * 12);
      let k = "";
      for (let j = 0; j < n; j++) k += alphabet[Math.floor(random() * alphabet.length)];
      keys.push(random() < 0.3 && keys.length ? keys[Math.floor(random() * keys.length)]! : k);
    }
    const reference = new Set<string>();
    const set = new KeySet();
    let disagreements = 0;
    for (const k of keys) {
      const fresh = !reference.has(k);
      reference.add(k);
      if (set.add(k) !== fresh) disagreements++;
    }
    expect(disagreements).toBe(0);
    expect(set.size).toBe(reference.size);
    expect(set.size).toBeGreaterThan(20_000);
  });

  it("tells apart keys that one UTF-8 encoding would merge, and long keys", () => {
    const set = new KeySet();
    for (const k of ["\uD800", "\uD801", "\uFFFD", "", "\uDC00\uD800", "\uD800\uDC00", "x".repeat(3_000_000), "x".repeat(3_000_001)]) expect(set.add(k), JSON.stringify(k.slice(0, 8))).toBe(true);
    expect(set.add("\uD800")).toBe(false);
    expect(set.add("x".repeat(3_000_000))).toBe(false);
    expect(set.add("\uD800\uDC00")).toBe(false);
    expect(set.add("\uFFFD")).toBe(false);
    expect(set.size).toBe(8);
  });
});
