/** A small seeded generator, so evaluation databases are the same on every run and engine. */
export function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    date: (from: string, to: string) => {
      const a = Date.parse(from);
      const b = Date.parse(to);
      return new Date(a + Math.floor(next() * (b - a))).toISOString().slice(0, 10);
    },
  };
}

export const q = (v: string | number | null) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${v.replace(/'/g, "''")}'`);
export const insert = (table: string, rows: (string | number | null)[][]) =>
  rows.map((r) => `INSERT INTO ${table} VALUES (${r.map(q).join(", ")})`);
