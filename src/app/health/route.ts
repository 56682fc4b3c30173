import { handleRestRequest } from "@/server/rest/handler";

export const dynamic = "force-dynamic";

/** `/health` answers exactly like `/api/v1/health`, without auth. */
export function GET(request: Request) {
  const url = new URL(request.url);
  url.pathname = "/api/v1/health";
  return handleRestRequest(new Request(url, { headers: request.headers }));
}
