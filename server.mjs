// Quarry's server entry: applies app-state migrations, then hosts Next.js and accepts
// WebSocket upgrades on /ws/*. Everything else (auth, routes, the WebSocket endpoints
// themselves) lives in the Next bundle; src/server/boot puts the upgrade handler on
// globalThis for this file to call.
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { securityHeaders } from "./next.config.mjs";

const root = path.dirname(fileURLToPath(import.meta.url));
const dev = process.argv.includes("--dev");
// web + worker (default), web (HTTP/WS only) or worker (jobs only: no HTTP listener).
const role = process.env.QUARRY_ROLE || "all";
const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOST || "0.0.0.0";
const CLIENT_IP_HEADER = "x-quarry-client-ip";

// next-auth derives its URL from the Host header unless NEXTAUTH_URL pins one.
process.env.AUTH_TRUST_HOST ??= "true";
process.env.QUARRY_DATA_DIR ||= path.join(root, "data");

async function migrate() {
  // PostgreSQL app state (several processes): scripts/migrate-postgres.mjs, since
  // Prisma's WebAssembly migrate cannot run through the pg adapter.
  if (/^postgres(ql)?:\/\//i.test(process.env.DATABASE_URL ?? "")) {
    const { migratePostgres } = await import("./scripts/migrate-postgres.mjs");
    try {
      const applied = await migratePostgres(process.env.DATABASE_URL);
      console.log(applied.length ? `Quarry applied ${applied.length} app-state migration(s) on PostgreSQL.` : "Quarry's app state is up to date.");
    } catch (error) {
      console.error(`Quarry could not apply its database migrations: ${error.message}`);
      process.exit(1);
    }
    return;
  }
  const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  const result = spawnSync(process.execPath, [prismaCli, "migrate", "deploy"], {
    cwd: root,
    env: process.env,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    console.error(`Quarry could not apply its database migrations:\n${result.stdout}\n${result.stderr}`);
    process.exit(1);
  }
  const applied = /following migration\(s\) have been applied/.test(result.stdout);
  console.log(applied ? "Quarry applied new app-state migrations." : "Quarry's app state is up to date.");
}

await migrate();

const app = next({ dev, hostname, port, dir: root });
const handle = app.getRequestHandler();
await app.prepare();
const nextUpgrade = app.getUpgradeHandler();

function stampClientIp(req) {
  // Only the socket's address is trusted; a client-sent value is dropped.
  req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "";
}

// The methods Next routes; it answers any other (TRACE, PROPFIND, ...) with a bare 400.
const NEXT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]);

// Next answers a bare 500 for a path it cannot percent-decode, before any route runs.
function decodable(pathname) {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** Answers what Next would mishandle, through the REST adapter's formats (src/server/rest/handler.ts). */
async function answerEarly(req, res, kind) {
  const pathname = (req.url ?? "/").split("?")[0];
  const runtime = globalThis.__quarryRuntime;
  const plain = (status, message) =>
    new Response(JSON.stringify({ error: { code: status === 405 ? "METHOD_NOT_ALLOWED" : "BAD_REQUEST", message } }), {
      status,
      headers: { "Content-Type": "application/json", ...Object.fromEntries(securityHeaders.map((h) => [h.key, h.value])) },
    });
  const response =
    kind === "method"
      ? (runtime?.unsupportedMethodResponse?.(req.method, pathname) ?? plain(405, "This method is not allowed"))
      : (runtime?.undecodablePathResponse?.(pathname) ?? plain(400, "The request path is not valid percent-encoded UTF-8"));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(await response.text());
}

const server = createServer((req, res) => {
  stampClientIp(req);
  const early = !NEXT_METHODS.has(req.method ?? "") ? "method" : !decodable((req.url ?? "/").split("?")[0]) ? "path" : null;
  if (early) {
    answerEarly(req, res, early).catch(() => res.destroy());
    return;
  }
  // /api/v1 goes straight to the REST adapter once boot registered it (production only:
  // in dev Next must compile the bundle first and hot-reloads it).
  const runtime = globalThis.__quarryRuntime;
  if (!dev && runtime?.servesFromNode?.(req.url)) {
    runtime.serveRestFromNode(req, res).catch((error) => {
      console.error("[server] API request failed:", error);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: "internal server error" }));
    });
    return;
  }
  handle(req, res).catch((error) => {
    console.error("[server] request failed:", error);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ error: "internal server error" }));
  });
});

server.on("upgrade", (req, socket, head) => {
  stampClientIp(req);
  if (req.url?.startsWith("/ws/")) {
    const runtime = globalThis.__quarryRuntime;
    if (runtime) {
      // The gateway answers its own failures; this only guards against one escaping it.
      return void Promise.resolve()
        .then(() => runtime.handleUpgrade(req, socket, head))
        .catch((error) => {
          console.error("[server] WebSocket upgrade failed:", error);
          if (!socket.destroyed) socket.end("HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n");
        });
    }
    socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n");
    return;
  }
  if (dev) return void nextUpgrade(req, socket, head);
  socket.destroy();
});

if (role === "worker") {
  // No HTTP listener: boot (instrumentation.ts, run by Next's prepare) starts the job
  // worker and says so; a boot failure ends the process (src/server/boot).
} else {
  server.listen(port, hostname, () => {
    const shown = hostname === "0.0.0.0" ? "localhost" : hostname;
    console.log(`Quarry is listening on http://${shown}:${port} (${dev ? "development" : "production"}${role === "web" ? ", web only" : ""})`);
  });
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    // Stop taking requests and jobs together; running jobs get a few seconds, then go back
    // to the queue. Audit entries batched off the response path are written before exit.
    const closed = new Promise((resolve) => server.close(resolve));
    const stopped = Promise.resolve(globalThis.__quarryRuntime?.shutdown?.())
      .catch((error) => console.error("[server] stopping the job worker failed:", error))
      // Not after `closed`: idle keep-alive sockets can hold that open until the hard exit.
      .then(() => globalThis.__quarryRuntime?.flushAudit?.())
      .catch(() => undefined);
    Promise.all([closed, stopped]).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 8000).unref();
  });
}
