import { SECURITY_HEADERS } from "@/server/http/security-headers";
import { openApiDocument } from "@/server/rest/openapi";

export const dynamic = "force-static";

export function GET() {
  return Response.json(openApiDocument(), { headers: SECURITY_HEADERS });
}
