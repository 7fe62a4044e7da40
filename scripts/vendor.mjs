// Copies the browser builds of the npm libraries into static/vendor, which the app serves itself
// (venues run offline on a LAN: no CDN). static/vendor is built, not committed.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = [
  ["node_modules/chart.js/dist/chart.umd.min.js", "static/vendor/chart.umd.min.js"],
  // The API page (/api/docs): Swagger UI's bundle and its style sheet.
  ["node_modules/swagger-ui-dist/swagger-ui-bundle.js", "static/vendor/swagger-ui/swagger-ui-bundle.js"],
  ["node_modules/swagger-ui-dist/swagger-ui.css", "static/vendor/swagger-ui/swagger-ui.css"],
];

for (const [from, to] of files) {
  mkdirSync(dirname(join(root, to)), { recursive: true });
  copyFileSync(join(root, from), join(root, to));
  console.log(`${from} -> ${to}`);
}

// The check-in scanner (static/js/scanner/) imports these as ES modules, minified: they count in its offline
// shell (≤ 300 KB). jsQR decodes QR codes from camera frames where the browser has no BarcodeDetector;
// @noble/ed25519 verifies ticket signatures where WebCrypto has no Ed25519.
const modules = [
  ['import jsQR from "jsqr"; export default jsQR;', "static/vendor/jsqr.min.js"],
  ['export { Point } from "@noble/ed25519";', "static/vendor/noble-ed25519.min.js"],
];
for (const [contents, to] of modules) {
  buildSync({
    stdin: { contents, resolveDir: root, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2020",
    legalComments: "inline",
    outfile: join(root, to),
    logLevel: "warning",
  });
  console.log(`${to} (built)`);
}
