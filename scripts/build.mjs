// Builds the unpacked extension into dist/chrome and dist/firefox (the same single manifest;
// the two folders exist so each browser's package is made from its own tree).
// Usage: node scripts/build.mjs [--watch]
import * as esbuild from "esbuild";
import { cp, mkdir, rm, writeFile, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const watch = process.argv.includes("--watch");
const targets = ["chrome", "firefox"];
const out = (browser) => path.join(root, "dist", browser);

const entries = {
  // Injected into every page at document_start: smallest and fastest possible.
  // Wrapped in a strict try/catch as a whole: not even a missing API at load may throw into the page.
  // Named by a sourceURL: the frames a wrapped fetch adds to a page's stack traces would
  // otherwise carry chrome-extension://<our id> (Chromium honours it; see README, "What a page can observe").
  // HOOK_MINIFY=0 keeps its names readable, for a CPU profile of the page.
  "page-hook": { src: "src/page/hook.ts", minify: process.env.HOOK_MINIFY !== "0", wrap: true, sourceUrl: "page-hook.js" },
  // Also injected into every frame (isolated world): minified too.
  relay: { src: "src/content/relay.ts", minify: process.env.HOOK_MINIFY !== "0" },
  background: { src: "src/background/index.ts" },
  devtools: { src: "src/devtools/devtools.ts" },
  panel: { src: "src/panel/index.tsx" },
  options: { src: "src/options/index.tsx" },
};

async function copyStatic(browser) {
  await mkdir(out(browser), { recursive: true });
  await cp(path.join(root, "static"), out(browser), { recursive: true });
  const manifest = JSON.parse(await readFile(path.join(root, "manifest.json"), "utf8"));
  const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8"));
  manifest.version = pkg.version;
  await writeFile(path.join(out(browser), "manifest.json"), JSON.stringify(manifest, null, 2));
}

function wrapInTryCatch(file, sourceUrl) {
  return {
    name: "wrap-in-try-catch",
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length) return;
        const code = await readFile(file, "utf8");
        await writeFile(file, `(function(){"use strict";try{${code.trim()}}catch(e){}})();\n${sourceUrl ? `//# sourceURL=${sourceUrl}\n` : ""}`);
      });
    },
  };
}

/**
 * src/core is pure (no module does anything when loaded but define): a bundle keeps only the
 * core modules whose exports it uses, whichever room's index it imports them through.
 */
const coreDir = path.join(root, "src", "core") + path.sep;
const pureCore = {
  name: "pure-core",
  setup(build) {
    build.onResolve({ filter: /^\./ }, async ({ path: spec, resolveDir, kind, importer, pluginData }) => {
      if (pluginData?.pureCore) return undefined;
      const resolved = await build.resolve(spec, { resolveDir, kind, importer, pluginData: { pureCore: true } });
      if (resolved.errors.length || !resolved.path.startsWith(coreDir)) return resolved;
      return { ...resolved, sideEffects: false };
    });
  },
};

function options(browser) {
  return Object.entries(entries).map(([name, { src, minify = false, wrap = false, sourceUrl }]) => ({
    entryPoints: { [name]: path.join(root, src) },
    outdir: out(browser),
    bundle: true,
    format: "iife",
    target: ["chrome120", "firefox128"],
    minify,
    legalComments: "none",
    plugins: [pureCore, ...(wrap ? [wrapInTryCatch(path.join(out(browser), `${name}.js`), sourceUrl)] : [])],
    sourcemap: false,
    jsx: "automatic",
    jsxImportSource: "preact",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  }));
}

await rm(path.join(root, "dist"), { recursive: true, force: true });
for (const browser of targets) {
  await copyStatic(browser);
  if (watch) {
    for (const o of options(browser)) await (await esbuild.context(o)).watch();
  } else {
    await Promise.all(options(browser).map((o) => esbuild.build(o)));
  }
}
console.log(watch ? "watching; dist/ rebuilds on change" : `built dist/chrome and dist/firefox`);
