/**
 * Code comments cite the design as `docs/DESIGN.md, "Section"` (docs/DESIGN.md says so): every
 * citation must name the repository's own file (the team's shared design lives outside it) and a
 * section that exists there, so a renamed or removed section is caught here.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SELF = path.relative(ROOT, fileURLToPath(import.meta.url));

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) sourceFiles(rel, out);
    else if (/\.(ts|tsx|mjs|js)$/.test(name) && rel !== SELF) out.push(rel);
  }
  return out;
}

const headings = new Set(readFileSync(path.join(ROOT, "docs/DESIGN.md"), "utf8").split("\n")
  .filter((l) => l.startsWith("#")).map((l) => l.replace(/^#+\s*/, "").trim()));

test("every comment citing the design cites docs/DESIGN.md and a section it has", () => {
  const problems: string[] = [];
  let citations = 0;
  for (const file of ["src", "test", "bench", "demo", "scripts"].flatMap((d) => sourceFiles(d))) {
    // A citation may wrap: comment line breaks become single spaces.
    const text = readFileSync(path.join(ROOT, file), "utf8").replace(/\s*\n\s*(\*(?!\/)|\/\/)?\s*/g, " ");
    for (const m of text.matchAll(/(\S*)DESIGN\.md(,\s*"([^"]+)")?/gi)) {
      citations++;
      if (!m[1]!.endsWith("docs/")) problems.push(`${file}: cites ${m[0]}, not docs/DESIGN.md`);
      else if (m[3] !== undefined && !headings.has(m[3])) problems.push(`${file}: no section "${m[3]}" in docs/DESIGN.md`);
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(citations > 10, `${citations} citations found`);
});
