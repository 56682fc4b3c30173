"use client";
import { useCallback, useState } from "react";
import { readStored, STORAGE_KEYS, writeStored } from "./storage";
import type { DataSource } from "./types";

const isString = (v: unknown): v is string => typeof v === "string";

/** The data source the editor runs against, remembered across visits. */
export function useDataSourceChoice(sources: readonly DataSource[] | undefined) {
  const [chosen, setChosen] = useState<string | null>(() => readStored<string | null>(STORAGE_KEYS.dataSource, null, isString));
  const choose = useCallback((id: string) => {
    setChosen(id);
    writeStored(STORAGE_KEYS.dataSource, id);
  }, []);
  // A remembered source that is gone (deleted, access revoked) falls back to the demo or the first.
  const valid = sources?.find((s) => s.id === chosen) ?? sources?.find((s) => s.isDemo) ?? sources?.[0];
  return [valid ?? null, choose] as const;
}
