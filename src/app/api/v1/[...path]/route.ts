import { handleRestRequest } from "@/server/rest/handler";

export const dynamic = "force-dynamic";

/** Every /api/v1 route goes through the REST adapter's table. */
const handler = (request: Request) => handleRestRequest(request);

export {
  handler as GET,
  handler as POST,
  handler as PUT,
  handler as PATCH,
  handler as DELETE,
  handler as HEAD,
  handler as OPTIONS,
};
