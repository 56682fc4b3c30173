import "server-only";
import { validationFailed } from "../errors";

/**
 * The documents name the chosen data source three ways: `database_id` (InsightEngine),
 * `data_source_id` (QueryBase) and `connection_id` (ETL Builder, and the Analytics
 * Assistant's real frontend). They are one thing everywhere: whichever spelling a
 * caller sends, the other two are filled in before the route's schema reads the input,
 * so every route (including ones added later) honours all three. Without this a route
 * whose schema knows only `database_id` would drop a `connection_id` and quietly fall
 * back to the default data source; with it, an unknown id reaches the service and is 404.
 * Two spellings with different values are a 422, not a guess.
 */
export const DATA_SOURCE_ID_KEYS = ["database_id", "data_source_id", "connection_id"] as const;

export function aliasDataSourceIds(input: unknown, where: "body" | "query"): void {
  if (!input || typeof input !== "object" || Array.isArray(input)) return;
  const record = input as Record<string, unknown>;
  const given = DATA_SOURCE_ID_KEYS.filter((key) => record[key] !== undefined && record[key] !== null);
  if (!given.length) return;
  const value = record[given[0]!];
  const conflicting = given.filter((key) => record[key] !== value);
  if (conflicting.length) {
    throw validationFailed(
      conflicting.map((key) => ({ field: key, message: `names a different data source than ${given[0]}` })),
      `Invalid request ${where}`,
    );
  }
  for (const key of DATA_SOURCE_ID_KEYS) if (record[key] === undefined) record[key] = value;
}
