/**
 * `npm run bench`: the extension's cost to the page and the speed of its background and panel,
 * measured in real Chromium (see bench/PERFORMANCE.md for what each figure means and how it is
 * taken). Prints a table of medians over interleaved repetitions, with spreads, ratios against
 * the same page without capture and the targets; writes bench-results.json at the repo root.
 *
 * Usage: node scripts/run-ts.mjs bench/run.ts [--quick] [--only=page,streaming,websocket,concurrency,background,import,panel,reading,sizes,parsing,compare]
 */
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../test/e2e/support/paths";
import { launchBrowsers, type Env } from "./lib/env";
import { table, type Row } from "./lib/report";
import { startBenchServer } from "./server";
import { background } from "./sections/background";
import { compareSection } from "./sections/compare";
import { importSection } from "./sections/import";
import { concurrency } from "./sections/concurrency";
import { pageCost } from "./sections/page-cost";
import { panel } from "./sections/panel";
import { parsing } from "./sections/parsing";
import { reading } from "./sections/reading";
import { sizes } from "./sections/sizes";
import { streaming } from "./sections/streaming";
import { websocket } from "./sections/websocket";

const SECTION_TIMEOUT_S = 360;

type Section = (env: Env) => Promise<{ rows: Row[]; details: Record<string, unknown> }>;

const SECTIONS: [string, Section][] = [
  ["sizes", sizes],
  ["parsing", parsing],
  ["page", pageCost],
  ["streaming", streaming],
  ["websocket", websocket],
  ["concurrency", concurrency],
  ["background", background],
  ["import", importSection],
  ["panel", panel],
  ["reading", reading],
  ["compare", compareSection],
];

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const started = Date.now();
const loadAtStart = os.loadavg();
const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

const server = await startBenchServer(40);
const { ext, plain } = await launchBrowsers();
const env: Env = { server, ext, plain, quick, log };
const chromiumVersion = ext.context.browser()?.version() ?? "unknown";
log(`Chromium ${chromiumVersion}, ${os.cpus().length} cores, load average ${loadAtStart.map((x) => x.toFixed(1)).join(" ")}${quick ? ", quick mode (fewer repetitions)" : ""}`);
const rows: Row[] = [];
const details: Record<string, unknown> = {};
const errors: Record<string, string> = {};
try {
  for (const [name, run] of SECTIONS) {
    if (only && !only.includes(name)) continue;
    log(`${name}…`);
    const t = Date.now();
    try {
      // A section that hangs must not hold up the others.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const out = await Promise.race([
        run(env),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${SECTION_TIMEOUT_S} s`)), SECTION_TIMEOUT_S * 1000); }),
      ]).finally(() => clearTimeout(timer));
      rows.push(...out.rows);
      details[name] = { ...out.details, seconds: Math.round((Date.now() - t) / 1000) };
    } catch (error) {
      errors[name] = error instanceof Error ? error.stack ?? error.message : String(error);
      log(`${name} failed: ${errors[name]}`);
    }
  }
} finally {
  await Promise.all([ext.close(), plain.close()]).catch(() => {});
  await server.close();
}

console.log(`\n${table(rows)}\n`);
console.log("Medians over interleaved repetitions, [p25–p75] where there are 3 or more; ratios are medians of paired repetitions.");
for (const r of rows) if (r.note) console.log(`  ${r.section}: ${r.label}: ${r.note}`);
console.log(`Load average at start ${loadAtStart.map((x) => x.toFixed(1)).join(" ")}, at end ${os.loadavg().map((x) => x.toFixed(1)).join(" ")} (other work on this machine shows up as noise).\n`);
const missed = rows.filter((r) => r.target && !r.target.met && !r.target.noise);
const unclear = rows.filter((r) => r.target?.noise);
console.log(missed.length ? `Targets missed: ${missed.map((r) => `${r.section}: ${r.label}`).join("; ")}` : "No target was clearly missed.");
if (unclear.length) console.log(`Within noise (the limit lies inside the ratio's p25–p75): ${unclear.map((r) => `${r.section}: ${r.label}`).join("; ")}`);
if (Object.keys(errors).length) console.log(`Sections that failed: ${Object.keys(errors).join(", ")} (see errors in bench-results.json)`);
const result = {
  command: `npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}`,
  date: new Date().toISOString(),
  seconds: Math.round((Date.now() - started) / 1000),
  quick,
  machine: {
    cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 2 ** 30), node: process.version, chromium: chromiumVersion,
    loadavgStart: loadAtStart, loadavgEnd: os.loadavg(),
  },
  rows,
  /** The table as Markdown, for bench/PERFORMANCE.md (the README's Performance section). */
  tableMarkdown: table(rows, true),
  details,
  errors,
};
await writeFile(path.join(REPO_ROOT, "bench-results.json"), `${JSON.stringify(result, null, 2)}\n`);
log(`wrote bench-results.json (${result.seconds} s)`);
if (Object.keys(errors).length) process.exitCode = 1;
