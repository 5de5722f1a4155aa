// Runs a TypeScript entry point (the demo, the benchmark) by bundling it with esbuild first.
// Not tsx: its esbuild keeps function names with a __name() helper, which breaks functions
// that Playwright serialises into the browser with page.evaluate().
// Usage: node scripts/run-ts.mjs <entry.ts> [args...]
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs <entry.ts> [args...]");
  process.exit(2);
}
// node_modules may be shared by several checkouts (a git worktree links the main one's): each
// checkout bundles into its own folder, and tells the bundle where it lives (paths.ts).
const checkout = createHash("sha256").update(root).digest("hex").slice(0, 12);
const outfile = path.join(root, "node_modules", ".cache", "run-ts", checkout, `${path.basename(entry, ".ts")}.mjs`);
process.env.LLM_TRACE_REPO_ROOT = root;
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
