// Runs a TypeScript entry point (the demo, the benchmark) by bundling it with esbuild first.
// Not tsx: its esbuild keeps function names with a __name() helper, which breaks functions
// that Playwright serialises into the browser with page.evaluate().
// Usage: node scripts/run-ts.mjs <entry.ts> [args...]
import * as esbuild from "esbuild";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs <entry.ts> [args...]");
  process.exit(2);
}
const outfile = path.join(root, "node_modules", ".cache", "run-ts", `${path.basename(entry, ".ts")}.mjs`);
await esbuild.build({
  entryPoints: [path.resolve(entry)],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
process.argv = [process.argv[0], outfile, ...args];
await import(pathToFileURL(outfile).href);
