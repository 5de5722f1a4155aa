/** `npm start` without a display: the headless demo prints its traces and writes its files. */
import { expect, test } from "@playwright/test";
import { execFile } from "node:child_process";
import { readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "./support/paths";
import { importTraceFile } from "../../src/core/files";

const run = promisify(execFile);

test("the headless demo drives every flow, prints the traces and saves the panel and the trace file", async () => {
  test.setTimeout(180_000);
  const out = path.join(REPO_ROOT, "demo-output");
  await rm(out, { recursive: true, force: true });
  const { stdout } = await run(process.execPath, ["scripts/run-ts.mjs", "demo/start.ts", "--headless"], { cwd: REPO_ROOT, timeout: 170_000 });

  expect(stdout).toMatch(/Captured \d+ spans from the demo app/);
  // One line per kind of work the demo does, with the details that matter.
  expect(stdout).toMatch(/\[retrieval\] retrieval support-docs \(3 documents\)/);
  expect(stdout).toMatch(/\[embedding\] embeddings text-embedding-3-small/);
  expect(stdout).toMatch(/\[llm\] chat gpt-4o-mini \(gpt-4o-mini-2024-07-18, \d+ in \/ \d+ out tokens, TTFT \d+ ms\)/);
  expect(stdout).toMatch(/\[llm\] chat claude-3-5-haiku-latest/);
  expect(stdout).toMatch(/\[llm\] generate_content gemini-2.0-flash/);
  expect(stdout).toMatch(/\[llm\] chat gpt-overloaded \(ERROR rate_limit_exceeded\)/);

  expect(stdout).toMatch(/● \[interaction\] submit form#chat/);
  expect(stdout).toMatch(/ {2}└ \[tool\] execute_tool check_account_status/);
  expect((await stat(path.join(out, "panel.png"))).size).toBeGreaterThan(10_000);
  const text = await readFile(path.join(out, "traces.har"), "utf8");
  const har = JSON.parse(text) as { log: { version: string; entries: { _span: { kind: string } }[] } };
  expect(har.log.version).toBe("1.2");
  expect(har.log.entries.filter((e) => e._span.kind === "llm").length).toBeGreaterThanOrEqual(8);
  // The same file imports back whole.
  const back = importTraceFile(text);
  expect(back.ok && back.format).toBe("llm-trace-har");
  for (const key of ["sk-demo-not-a-real-key", "sk-ant-demo-not-a-real-key", "AIza-demo-not-a-real-key", "qdrant-demo-key"]) expect(text).not.toContain(key);
});
