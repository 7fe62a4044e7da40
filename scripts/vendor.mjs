// Copies the browser builds of the npm libraries into static/vendor, which the app serves itself
// (venues run offline on a LAN: no CDN). static/vendor is built, not committed.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
