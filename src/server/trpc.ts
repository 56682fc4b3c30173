import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { hasRole, type Role } from "@/lib/roles";
import { AppError, errorCodes, forbidden, unauthorized } from "./errors";
import type { Context } from "./context";
import { fromPrismaError } from "./errors/prisma";
import { redactDeep, redactServerPaths } from "./errors/redact";
import { assertCleanInput } from "./http/clean-input";
import { userPrincipal } from "./services/principal";
import { consumePrincipalRequest, type RateBucket } from "./services/rate-limit";
import { assertMfaSatisfied } from "./services/settings/mfa-gate";

/**
 * tRPC's building blocks: every procedure in Quarry is built from `publicProcedure`,
 * `authedProcedure` or `roleProcedure(...)`. AppErrors thrown anywhere below are
 * mapped to tRPC codes here, once.
 */
const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      // Server paths never reach the client, whoever wrote the message.
      message: redactServerPaths(shape.message),
      data: {
        ...shape.data,
        // Never ship stack traces to clients.
        stack: undefined,
        appCode: cause instanceof AppError ? cause.code : undefined,
        // e.g. a SQL error's line/column/position, for the editor to mark
        details: cause instanceof AppError && cause.actor !== "bug" ? redactDeep(cause.details) : undefined,
        fields:
          cause instanceof AppError
            ? cause.fields
            : cause instanceof ZodError
              ? cause.issues.map((i) => ({ field: i.path.join("."), message: i.message }))
              : undefined,
      },
    };
  },
});

/** Turns an AppError (or anything else) into the TRPCError the table says. */
export function toTRPCError(error: unknown): TRPCError {
  const raw = error instanceof TRPCError && error.cause ? error.cause : error;
  const cause = fromPrismaError(raw) ?? raw;
  if (cause instanceof AppError) {
    return new TRPCError({ code: errorCodes[cause.code].trpc, message: cause.message, cause });
  }
  if (error instanceof TRPCError) return error;
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal error", cause: error as Error });
}

const mapAppErrors = t.middleware(async ({ next, getRawInput }) => {
  // NUL and unpaired surrogates are refused before any procedure parses its input.
  try {
    assertCleanInput(await getRawInput(), "input");
  } catch (error) {
    throw toTRPCError(error);
  }
  const result = await next();
  if (!result.ok && (result.error.cause instanceof AppError || fromPrismaError(result.error.cause))) {
    throw toTRPCError(result.error);
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const mergeRouters = t.mergeRouters;

export const publicProcedure = t.procedure.use(mapAppErrors);

/**
 * Procedures that run SQL on a target database spend the smaller per-user query budget
 * instead of the general one, as their REST routes do (`rateLimit: "query"`).
 */
const SQL_PROCEDURES = new Set([
  "queries.execute",
  "queries.exportFile",
  "queries.validate",
  "ai.ask",
  "dictionary.autoGuess",
  "approvals.preview",
  "approvals.review",
  "approvals.commit",
  "approvals.revert",
  "templates.run",
  "templates.execute",
]);

export function rateBucketOf(procedurePath: string): RateBucket {
  return SQL_PROCEDURES.has(procedurePath) ? "query" : "api";
}

export const authedProcedure = publicProcedure.use(async ({ ctx, next, path }) => {
  if (!ctx.session) throw ctx.sessionError ?? unauthorized();
  // Built once here: every procedure below hands this principal to the services it calls.
  const principal = userPrincipal(ctx.session.user, ctx.meta.ip);
  // Every call spends, so a batch of N procedures costs N, exactly like N REST requests.
  await consumePrincipalRequest(principal, rateBucketOf(path));
  // While two-factor sign-in is required and not yet on, only enrolling is allowed.
  await assertMfaSatisfied(principal.user.id, path);
  return next({ ctx: { ...ctx, session: ctx.session, principal } });
});

export const roleProcedure = (minimum: Role) =>
  authedProcedure.use(async ({ ctx, next }) => {
    if (!hasRole(ctx.session.user.role, minimum)) {
      throw forbidden(`This needs the ${minimum} role or higher`);
    }
    return next();
  });

export const adminProcedure = roleProcedure("admin");
