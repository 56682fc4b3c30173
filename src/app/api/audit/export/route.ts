import { z } from "zod";
import { createContext } from "@/server/context";
import { dateBound } from "@/server/dto/audit";
import { isAppError, unauthorized, validationFailed } from "@/server/errors";
import { formatError } from "@/server/rest/formats";
import { exportAudit } from "@/server/services/audit/export";
import { userPrincipal } from "@/server/services/principal";

export const dynamic = "force-dynamic";

const exportQuery = z.object({
  format: z.enum(["csv", "json"]).default("csv"),
  user_id: z.string().trim().max(100).optional(),
  action: z.string().trim().max(100).optional(),
  resource_type: z.string().trim().max(100).optional(),
  outcome: z.enum(["success", "failure"]).optional(),
  date_from: dateBound.optional(),
  date_to: dateBound.optional(),
});

/**
 * The audit log, filtered as the admin's audit tab filters it, as one CSV or JSON file
 * (`?format=csv|json&user_id=&action=&resource_type=&outcome=&date_from=&date_to=`).
 * Admins only; signed in with the UI cookie or a bearer token.
 */
export async function GET(request: Request) {
  try {
    const ctx = await createContext(request.headers, { allowCookie: true });
    if (!ctx.session) throw ctx.sessionError ?? unauthorized();
    const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
    const parsed = exportQuery.safeParse(params);
    if (!parsed.success) {
      throw validationFailed(parsed.error.issues.map((i) => ({ field: i.path.join(".") || "query", message: i.message })), "Invalid request query");
    }
    const q = parsed.data;
    const principal = userPrincipal(ctx.session.user, ctx.meta.ip || undefined);
    const file = await exportAudit(
      principal,
      { userId: q.user_id, action: q.action, resourceType: q.resource_type, outcome: q.outcome, dateFrom: q.date_from, dateTo: q.date_to },
      q.format,
    );
    return new Response(file.body, {
      headers: {
        "Content-Type": file.contentType,
        "Content-Disposition": `attachment; filename="${file.filename}"`,
        "X-Total-Count": String(file.count),
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    if (!isAppError(error)) throw error;
    const { status, body } = formatError("insight", error);
    return Response.json(body, { status });
  }
}
