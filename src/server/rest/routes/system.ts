import "server-only";
import { healthOutput } from "../../routers/system/health";
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
    async handle({ caller }) {
      const report = await caller.system.health();
      return { body: report, status: report.status === "ok" ? 200 : 503 };
    },
  }),
];
