import { createContext } from "@/server/context";
import { formatError } from "@/server/rest/formats";
import { createCaller } from "@/server/routers/_app";
import { isAppError } from "@/server/errors";
import { TRPCError } from "@trpc/server";

export const dynamic = "force-dynamic";

/**
 * Browser downloads of a query's full result (the editor's Export button), signed in
 * with the UI cookie. Same procedure as the REST export; `?format=csv|json`.
 */
export async function GET(request: Request, { params }: { params: Promise<{ queryId: string }> }) {
  const { queryId } = await params;
  const format = new URL(request.url).searchParams.get("format") === "json" ? "json" : "csv";
  try {
    const caller = createCaller(await createContext(request.headers, { allowCookie: true }));
    const file = await caller.queries.exportFile({ id: queryId, format, includeHeaders: true });
    return new Response(file.stream, {
      headers: { "Content-Type": file.contentType, "Content-Disposition": `attachment; filename="${file.filename}"` },
    });
  } catch (error) {
    const cause = error instanceof TRPCError ? error.cause : error;
    if (!isAppError(cause)) throw error;
    const { status, body } = formatError("insight", cause);
    return Response.json(body, { status });
  }
}
