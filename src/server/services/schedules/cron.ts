import "server-only";
import { Cron } from "croner";
import { validationFailed } from "../../errors";

/**
 * The document's schedule spelling (`frequency`, `day_of_week`, `time`) or a cron
 * expression, turned into one cron pattern (croner syntax; a sixth leading field is seconds).
 */
export const FREQUENCIES = ["hourly", "daily", "weekly", "monthly"] as const;
export type Frequency = (typeof FREQUENCIES)[number];
const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;

export interface ScheduleSpec {
  frequency?: Frequency;
  dayOfWeek?: string;
  dayOfMonth?: number;
  /** HH:MM (24 h), in the schedule's time zone. */
  time?: string;
  cron?: string;
}

export function cronOf(spec: ScheduleSpec, timezone = "UTC"): string {
  let pattern: string;
  if (spec.cron) pattern = spec.cron.trim();
  else {
    if (!spec.frequency) throw validationFailed([{ field: "frequency", message: `one of ${FREQUENCIES.join(", ")} (or give cron)` }]);
    const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(spec.time ?? "09:00");
    if (!m) throw validationFailed([{ field: "time", message: "HH:MM, 24-hour" }]);
    const [hour, minute] = [Number(m[1]), Number(m[2])];
    switch (spec.frequency) {
      case "hourly":
        pattern = `${minute} * * * *`;
        break;
      case "daily":
        pattern = `${minute} ${hour} * * *`;
        break;
      case "weekly": {
        const day = DAYS.indexOf((spec.dayOfWeek ?? "monday").toLowerCase() as (typeof DAYS)[number]);
        if (day < 0) throw validationFailed([{ field: "day_of_week", message: `one of ${DAYS.join(", ")}` }]);
        pattern = `${minute} ${hour} * * ${day}`;
        break;
      }
      case "monthly": {
        const dom = spec.dayOfMonth ?? 1;
        if (!Number.isInteger(dom) || dom < 1 || dom > 28) throw validationFailed([{ field: "day_of_month", message: "1 to 28" }]);
        pattern = `${minute} ${hour} ${dom} * *`;
        break;
      }
    }
  }
  try {
    new Cron(pattern, { timezone, paused: true });
  } catch (error) {
    throw validationFailed([{ field: spec.cron ? "cron" : "frequency", message: (error as Error).message.replace(/^CronPattern: /, "") }]);
  }
  return pattern;
}

export function nextRunOf(pattern: string, timezone: string): Date | null {
  return new Cron(pattern, { timezone, paused: true }).nextRun();
}
