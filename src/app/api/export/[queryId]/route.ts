import { createContext } from "@/server/context";
import { isAppError, unauthorized } from "@/server/errors";
import { formatError } from "@/server/rest/formats";
import { userPrincipal } from "@/server/services/principal";
import { exportQuery } from "@/server/services/queries/export";
import { consumePrincipalRequest } from "@/server/services/rate-limit";
import { assertMfaSatisfied } from "@/server/services/settings/mfa-gate";

export const dynamic = "force-dynamic";

/**
 * Browser downloads of a query's full result (the editor's Export button), signed in
 * with the UI cookie. The same service as the REST export, called with the signed-in
 * principal; `?format=csv|json`.
 */
export async function GET(request: Request, { params }: { params: Promise<{ queryId: string }> }) {
  const { queryId } = await params;
  const format = new URL(request.url).searchParams.get("format") === "json" ? "json" : "csv";
  try {
    const ctx = await createContext(request.headers, { allowCookie: true });
    if (!ctx.session) throw ctx.sessionError ?? unauthorized();
    const principal = userPrincipal(ctx.session.user, ctx.meta.ip || undefined);
    await consumePrincipalRequest(principal, "query"); // an export runs the query again: the query budget
    await assertMfaSatisfied(principal.user.id, "queries.exportFile");
    const file = await exportQuery(principal, queryId, { format, includeHeaders: true });
    return new Response(file.stream, {
      headers: { "Content-Type": file.contentType, "Content-Disposition": `attachment; filename="${file.filename}"` },
    });
  } catch (error) {
    if (!isAppError(error)) throw error;
    const { status, body } = formatError("insight", error);
    return Response.json(body, { status });
  }
}
