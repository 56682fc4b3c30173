import "server-only";
import { z } from "zod";
import { ROLES, roleSchema } from "@/lib/roles";
import { toManagedUserDto } from "../../../dto/users";
import { clearedMessage, clearSchemaCache, systemStatus } from "../../../services/system/status";
import { deleteUser, updateUser } from "../../../services/users/manage";
import { listUsers } from "../../../services/users/query";
import { adminStats } from "../../../services/users/stats";
import { defineRoute } from "../../route";
import { auditPage, auditQuery, auditResponse } from "./audit";
import {
  messageBody,
  pageFields,
  pageFieldsSchema,
  restManagedUser,
  toRestManagedUser,
  userListInput,
  userListQuery,
} from "./shapes";

/** Analytics Assistant's admin area; it documents no shapes, so these follow the other seeds' spelling. */
const tag = "admin";
const format = "insight" as const;

const statusBody = z
  .object({ is_active: z.boolean().optional(), status: z.enum(["active", "inactive"]).optional() })
  .refine((b) => b.is_active !== undefined || b.status !== undefined, {
    message: "is_active (true/false) or status (active/inactive) is required",
    path: ["is_active"],
  });

const userResult = z.object({ message: z.string(), user: restManagedUser });

export const adminRoutes = [
  defineRoute({
    method: "GET", path: "/admin/users", format, auth: "user", procedure: "users.list", tag,
    summary: "List users (admin); `search`, `role`, `is_active` filter; paginated",
    query: userListQuery, response: z.object({ users: z.array(restManagedUser), ...pageFieldsSchema }),
    async handle({ principal, query }) {
      const input = userListInput(query);
      const { items, total } = await listUsers(principal, input);
      const paging = { page: input.page, pageSize: input.pageSize, total };
      return { body: { users: items.map((u) => toRestManagedUser(toManagedUserDto(u))), ...pageFields(paging) }, paging };
    },
  }),
  defineRoute({
    method: "PUT", path: "/admin/users/:user_id/role", format, auth: "user", procedure: "users.setRole", tag,
    summary: "Change a user's role (admin); the last active admin cannot be demoted",
    body: z.object({ role: roleSchema }), response: userResult,
    async handle({ principal, params, body }) {
      const user = await updateUser(principal, params.user_id!, { role: body.role }, { action: "change_role" });
      return { body: { message: "Role updated successfully", user: toRestManagedUser(toManagedUserDto(user)) } };
    },
  }),
  defineRoute({
    method: "PUT", path: "/admin/users/:user_id/status", format, auth: "user", procedure: "users.setStatus", tag,
    summary: "Activate or deactivate a user (admin); deactivation signs them out everywhere",
    body: statusBody, response: userResult,
    async handle({ principal, params, body }) {
      const isActive = body.is_active ?? body.status === "active";
      const user = await updateUser(principal, params.user_id!, { isActive }, {
        action: isActive ? "activate_user" : "deactivate_user",
      });
      return { body: { message: isActive ? "User activated" : "User deactivated", user: toRestManagedUser(toManagedUserDto(user)) } };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/admin/users/:user_id", format, auth: "user", procedure: "users.remove", tag,
    summary: "Delete a user (admin); not yourself, never the last active admin",
    response: messageBody,
    async handle({ principal, params }) {
      await deleteUser(principal, params.user_id!);
      return { body: { message: "User deleted successfully" } };
    },
  }),
  defineRoute({
    method: "GET", path: "/admin/system/status", format, auth: "user", procedure: "admin.systemStatus", tag,
    summary: "App, app database, Redis, data sources (last recorded check), jobs, uptime, Node.js, memory and event-loop delay (admin)",
    response: z.looseObject({
      status: z.enum(["ok", "degraded"]),
      timestamp: z.string(),
      app: z.object({ status: z.literal("ok"), version: z.string(), uptime_seconds: z.number(), node_version: z.string() }),
      database: z.object({ provider: z.enum(["sqlite", "postgresql"]), status: z.enum(["ok", "error"]), latency_ms: z.number().nullable(), error: z.string().nullable() }),
      data_sources: z.array(z.object({
        id: z.string(), name: z.string(), type: z.string(), status: z.string(), last_check: z.string().nullable(),
        latency_ms: z.number().nullable(), error: z.string().nullable(), schema_cached: z.boolean(),
      })),
      jobs: z.looseObject({ backend: z.string(), status: z.string(), queue_depth: z.unknown() }),
      uptime_seconds: z.number(),
      node_version: z.string(),
      memory: z.looseObject({ rss_bytes: z.number(), heap_used_bytes: z.number() }),
      event_loop: z.object({ delay_p50_ms: z.number(), delay_p99_ms: z.number(), delay_max_ms: z.number() }),
      redis: z.object({ configured: z.boolean(), status: z.enum(["ok", "error", "off"]), latency_ms: z.number().nullable(), error: z.string().nullable() }),
    }),
    async handle({ principal }) {
      const s = await systemStatus(principal);
      return {
        body: {
          status: s.status,
          timestamp: s.timestamp.toISOString(),
          app: { status: "ok", version: s.version, uptime_seconds: s.uptimeSeconds, node_version: s.nodeVersion },
          database: { provider: s.appDatabase.provider, status: s.appDatabase.status, latency_ms: s.appDatabase.latencyMs, error: s.appDatabase.error },
          data_sources: s.dataSources.map((d) => ({
            id: d.id,
            name: d.name,
            type: d.engine,
            status: d.status,
            last_check: d.lastCheckedAt?.toISOString() ?? null,
            latency_ms: d.latencyMs,
            error: d.lastError,
            schema_cached: d.schemaCached,
          })),
          jobs: {
            backend: s.jobs.backend,
            status: s.jobs.status,
            workers: s.jobs.workers.map((w) => ({ name: w.name, address: w.address, idle_seconds: w.idleSeconds })),
            queue_depth: s.jobs.depth,
            failed: {
              total: s.jobs.failed.total,
              recent: s.jobs.failed.recent.map((f) => ({ id: f.id, name: f.name, error: f.error, finished_at: f.finishedAt })),
            },
            error: s.jobs.error,
          },
          uptime_seconds: s.uptimeSeconds,
          node_version: s.nodeVersion,
          memory: {
            rss_bytes: s.memory.rssBytes,
            heap_used_bytes: s.memory.heapUsedBytes,
            heap_total_bytes: s.memory.heapTotalBytes,
            external_bytes: s.memory.externalBytes,
          },
          event_loop: { delay_p50_ms: s.eventLoop.p50Ms, delay_p99_ms: s.eventLoop.p99Ms, delay_max_ms: s.eventLoop.maxMs },
          redis: { configured: s.redis.configured, status: s.redis.status, latency_ms: s.redis.latencyMs, error: s.redis.error },
        },
      };
    },
  }),
  defineRoute({
    method: "POST", path: "/admin/system/cache/clear", format, auth: "user", procedure: "admin.clearCache", tag,
    summary: "Drop every data source's cached schema and every process's in-memory caches (admin); the next schema read introspects afresh",
    response: z.object({
      message: z.string(),
      cleared: z.object({ schema_cache: z.array(z.object({ id: z.string(), name: z.string() })), count: z.number() }),
    }),
    async handle({ principal }) {
      const { cleared } = await clearSchemaCache(principal);
      return { body: { message: clearedMessage(cleared.length), cleared: { schema_cache: cleared, count: cleared.length } } };
    },
  }),
  defineRoute({
    method: "GET", path: "/admin/logs", format, auth: "user", procedure: "audit.list", tag,
    summary: "The audit trail (admin), with the same filters as /audit-logs",
    query: auditQuery, response: auditResponse,
    handle: ({ principal, query }) => auditPage(principal, query),
  }),
  defineRoute({
    method: "GET", path: "/auth/admin/stats", format, auth: "user", procedure: "admin.stats", tag,
    summary: "Users by role and status, sign-ins and failures (24 h / 7 d), registrations (admin)",
    response: z.object({
      total_users: z.number(),
      users_by_role: z.record(z.enum(ROLES), z.number()),
      active_users: z.number(),
      inactive_users: z.number(),
      logins_24h: z.number(),
      logins_7d: z.number(),
      active_users_24h: z.number(),
      failed_logins_24h: z.number(),
      registrations_7d: z.number(),
      new_users_7d: z.number(),
      generated_at: z.string(),
    }),
    async handle({ principal }) {
      const s = await adminStats(principal);
      return {
        body: {
          total_users: s.totalUsers,
          users_by_role: s.usersByRole,
          active_users: s.activeUsers,
          inactive_users: s.inactiveUsers,
          logins_24h: s.logins24h,
          logins_7d: s.logins7d,
          active_users_24h: s.activeUsers24h,
          failed_logins_24h: s.failedLogins24h,
          registrations_7d: s.registrations7d,
          new_users_7d: s.newUsers7d,
          generated_at: s.generatedAt.toISOString(),
        },
      };
    },
  }),
];
