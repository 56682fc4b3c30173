import "server-only";
import { healthOutput } from "../../dto/system";
import { checkHealth } from "../../services/system/health";
import { defineRoute } from "../route";

export const systemRoutes = [
  defineRoute({
    method: "GET",
    path: "/health",
    format: "querybase",
    auth: "public",
    procedure: "system.health",
    tag: "system",
    summary: "Liveness and app-database check; no authentication",
    response: healthOutput,
    async handle() {
      const report = await checkHealth();
      return { body: report, status: report.status === "ok" ? 200 : 503 };
    },
  }),
];
