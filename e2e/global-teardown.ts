import { rmSync } from "node:fs";

/** The server's throwaway data directory; kept when E2E_KEEP_DATA is set, for debugging. */
export default function globalTeardown(): void {
  const dir = process.env.QUARRY_E2E_DATA_DIR;
  if (!dir || process.env.E2E_KEEP_DATA) return;
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
