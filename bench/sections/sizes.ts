/** Sizes of the built scripts (dist/chrome), raw and gzipped (level 9), the page hook above all. */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { DIST } from "../../test/e2e/support/chromium";
import { judge, single, type Row } from "../lib/report";
import type { Env } from "../lib/env";

const KB = 1024;

export async function sizes(_env: Env): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const files = (await readdir(DIST)).filter((f) => f.endsWith(".js")).sort((a, b) => (a === "page-hook.js" ? -1 : b === "page-hook.js" ? 1 : a.localeCompare(b)));
  const rows: Row[] = [];
  const details: Record<string, { raw: number; gzip: number }> = {};
  for (const file of files) {
    const data = await readFile(path.join(DIST, file));
    const gz = gzipSync(data, { level: 9 }).length;
    details[file] = { raw: data.length, gzip: gz };
    const name = file.replace(/\.js$/, "");
    rows.push(single(`size.${name}.raw`, "Size", `${file} raw`, "KB", data.length / KB));
    const gzRow = single(`size.${name}.gzip`, "Size", `${file} gzipped`, "KB", gz / KB);
    rows.push(file === "page-hook.js" ? judge(gzRow, { text: "<= 6 KB", on: "value", limit: 6 }) : gzRow);
  }
  return { rows, details };
}
