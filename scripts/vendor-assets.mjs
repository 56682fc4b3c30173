// Copies browser assets Quarry serves itself (nothing comes from a CDN) from
// node_modules into public/vendor. Runs on postinstall; the folder is not committed.
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A package's folder in the project's node_modules (not all packages export package.json). */
function packageDir(name) {
  const dir = path.join(root, "node_modules", name);
  if (!existsSync(path.join(dir, "package.json"))) throw new Error(`vendor-assets: ${name} is not installed`);
  return dir;
}
const vendor = path.join(root, "public", "vendor");

const assets = [
  {
    name: "swagger-ui",
    from: packageDir("swagger-ui-dist"),
    files: ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"],
  },
  {
    // @monaco-editor/react's loader fetches the editor from a CDN by default; Quarry
    // points it at /vendor/monaco/vs instead (see the editor component).
    name: "monaco",
    from: path.join(packageDir("monaco-editor"), "min"),
    files: ["vs"],
  },
];

for (const asset of assets) {
  const target = path.join(vendor, asset.name);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const file of asset.files) {
    const source = path.join(asset.from, file);
    if (!existsSync(source)) throw new Error(`vendor-assets: ${source} is missing`);
    cpSync(source, path.join(target, file), { recursive: true });
  }
}
console.log(`vendor-assets: copied ${assets.map((a) => a.name).join(", ")} into public/vendor`);
