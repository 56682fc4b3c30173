import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createContext } from "@/server/context";
import { trpcResponseMeta } from "@/server/http/trpc-response";
import { appRouter } from "@/server/routers/_app";

export const dynamic = "force-dynamic";

function handler(request: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    // The UI is signed in with next-auth's cookie; programs may send a bearer token.
    createContext: () => createContext(request.headers, { allowCookie: true }),
    responseMeta: trpcResponseMeta,
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
