import { SECURITY_HEADERS } from "@/server/http/security-headers";

export const dynamic = "force-static";

/** The browsable API reference: Swagger UI served from /vendor (no CDN). */
const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Quarry API reference</title>
  <link rel="icon" href="/vendor/swagger-ui/favicon-32x32.png" />
  <link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css" />
  <style>body { margin: 0 } .topbar { display: none }</style>
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/vendor/swagger-ui/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "/api/docs/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
    });
  </script>
</body>
</html>`;

export function GET() {
  return new Response(page, { headers: { ...SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8" } });
}
