/** The repository root, found from this file whether it runs from source or bundled elsewhere. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  // Set by scripts/run-ts.mjs, whose bundle lives under node_modules, which a worktree may share.
  const given = process.env.LLM_TRACE_REPO_ROOT;
  if (given && existsSync(path.join(given, "package.json"))) return given;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "llm-trace-devtools") return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

export const REPO_ROOT = findRoot();

/** The live-sessions test page (bundled like the SDK page). */
export const LIVE_PAGE_DIR = path.join(REPO_ROOT, "test", "e2e", "pages", "live");
