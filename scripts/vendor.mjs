// Copies the browser builds of the npm libraries into static/vendor, which the app serves itself
// (venues run offline on a LAN: no CDN). static/vendor is built, not committed.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = [["node_modules/chart.js/dist/chart.umd.min.js", "static/vendor/chart.umd.min.js"]];

mkdirSync(join(root, "static/vendor"), { recursive: true });
for (const [from, to] of files) {
  copyFileSync(join(root, from), join(root, to));
  console.log(`${from} -> ${to}`);
}
