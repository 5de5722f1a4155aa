// Store-ready archives of the built extension: artifacts/llm-traces-chrome-<v>.zip (Chrome Web
// Store) and artifacts/llm-traces-firefox-<v>.xpi (addons.mozilla.org, also a zip).
import { execFileSync } from "node:child_process";
import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { version } = JSON.parse(await readFile(path.join(root, "package.json"), "utf8"));
const outDir = path.join(root, "artifacts");
await mkdir(outDir, { recursive: true });

for (const [browser, ext] of [["chrome", "zip"], ["firefox", "xpi"]]) {
  const file = path.join(outDir, `llm-traces-${browser}-${version}.${ext}`);
  await rm(file, { force: true });
  // web-ext builds a deterministic zip of a source dir; it is already a dev dependency (lint).
  execFileSync(path.join(root, "node_modules/.bin/web-ext"), [
    "build", "--source-dir", path.join(root, "dist", browser), "--artifacts-dir", outDir,
    "--filename", path.basename(file), "--overwrite-dest",
  ], { stdio: ["ignore", "ignore", "inherit"] });
  console.log(path.relative(root, file));
}
