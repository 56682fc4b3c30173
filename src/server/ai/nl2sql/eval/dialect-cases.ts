import { clinicCases } from "./sets/clinic";
import type { EvalCase } from "./sets/types";

/** The clinic set plus a date-bucket question whose expected SQL is the engine's own dialect. */
export function clinicCasesFor(dialect: "postgres" | "mysql"): EvalCase[] {
  const month = dialect === "postgres" ? "to_char(appointment_date, 'YYYY-MM')" : "DATE_FORMAT(appointment_date, '%Y-%m')";
  return [
    ...clinicCases,
    { q: "Number of appointments per month in 2024", sql: `SELECT ${month} AS m, COUNT(*) FROM appointments WHERE appointment_date >= '2024-01-01' AND appointment_date < '2025-01-01' GROUP BY ${month}` },
    { q: "Appointment fees by quarter", sql: dialect === "postgres" ? "SELECT to_char(appointment_date, 'YYYY-\"Q\"Q') q, SUM(fee) FROM appointments GROUP BY 1" : "SELECT CONCAT(YEAR(appointment_date), '-Q', QUARTER(appointment_date)) q, SUM(fee) FROM appointments GROUP BY 1" },
  ];
}

/** Multi-row INSERTs, so loading a set over the network stays quick. */
export function batched(statements: string[], size = 200): string[] {
  const out: string[] = [];
  const groups = new Map<string, string[]>();
  for (const s of statements) {
    const m = /^INSERT INTO (\w+) VALUES (.*)$/s.exec(s);
    if (!m) {
      out.push(s);
      continue;
    }
    const list = groups.get(m[1]!) ?? [];
    list.push(m[2]!);
    groups.set(m[1]!, list);
  }
  for (const [table, rows] of groups) for (let i = 0; i < rows.length; i += size) out.push(`INSERT INTO ${table} VALUES ${rows.slice(i, i + size).join(", ")}`);
  return out;
}
