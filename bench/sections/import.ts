/**
 * Importing a large trace file through the real panel: a 10,000-entry HAR of the background
 * section's traffic (bench/lib/synth.ts: per question a knowledge-base GET, a streamed chat
 * completion calling a tool, the tool's GET and a chat completion with its result), built in
 * Node by the extension's own pipeline (capture events folded into exchanges, spans derived and
 * assembled, core/files/har-export.ts). Two files: as the extension exports it (spans included), and the same
 * entries as a foreign HAR (Chrome's Network export has no `_span`: spans are re-derived and
 * assembled on import). Each is chosen in the panel's file input, as a user would; the figure
 * is the time from the file chosen until the panel shows the imported session with all its
 * spans loaded.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { assembleTraces } from "../../src/core/assembly";
import type { CaptureEvent, ChunkRecord, ExchangeRecord, InteractionRecord, SpanRecord } from "../../src/core/contract";
import { deriveSpan } from "../../src/core/providers";
import { harText, toHar } from "../../src/core/files";
import { applyEvent, assembleExchange, chunkRecords, emptyExchange } from "../../src/core/capture";
import { redactExchange } from "../../src/core/redaction";
import { openPanelTab } from "../../test/e2e/support/chromium";
import { prepareTab, type Env } from "../lib/env";
import { judge, single, type Row } from "../lib/report";
import { drive } from "../lib/synth";

const ENTRIES = 10_000;

/** The synthetic traffic as capture events, collected from synth.ts's driver in this process. */
async function captureEvents(traces: number, origin: string): Promise<CaptureEvent[]> {
  const events: CaptureEvent[] = [];
  const g = globalThis as unknown as { chrome?: unknown };
  const saved = g.chrome;
  g.chrome = { runtime: { sendMessage: async (m: { events: CaptureEvent[] }) => { events.push(...m.events); return { ok: true }; } } };
  try {
    // A question every 2 s over the last few hours, as a long recorded session would be.
    await drive({ traces, origin, pageUrl: `${origin}/bench.html`, maxBatchEvents: 2000, inflight: 1, streamChunks: 10, startTime: Date.now() - traces * 2000, spacingMs: 2000 });
  } finally {
    g.chrome = saved;
  }
  return events;
}

/** The events folded into exchanges and spans as the background would store them. */
function session(events: readonly CaptureEvent[]) {
  const records = new Map<string, ExchangeRecord>();
  const chunks = new Map<string, ChunkRecord[]>();
  const interactions: InteractionRecord[] = [];
  for (const e of events) {
    if (e.t === "interaction") {
      const { t: _t, ...rest } = e;
      interactions.push({ ...rest, tabId: 0 });
      continue;
    }
    if (e.t === "mark") continue;
    if (e.t === "chunks") {
      chunks.set(e.id, [...(chunks.get(e.id) ?? []), ...chunkRecords(e)]);
      continue;
    }
    records.set(e.id, applyEvent(records.get(e.id) ?? emptyExchange(e.id, 0, 0, e.time), e));
  }
  const now = Date.now();
  const stored = [...records.values()].map((r) => redactExchange(r));
  const exchanges = stored.map((r) => assembleExchange(r, chunks.get(r.id) ?? []));
  const derived = exchanges.map((ex, i) => deriveSpan(ex, stored[i]!, now));
  const spans: SpanRecord[] = assembleTraces({ spans: derived, interactions, marks: [] });
  return { spans, exchanges };
}

export interface Files {
  own: string;
  foreign: string;
  dir: string;
}

export async function writeFiles(env: Pick<Env, "server">): Promise<Files> {
  const events = await captureEvents(ENTRIES / 4, env.server.origin);
  const har = toHar(session(events), { creatorVersion: "bench", exportedAt: Date.now() });
  const dir = await mkdtemp(path.join(os.tmpdir(), "llm-trace-import-"));
  const own = path.join(dir, "bench-own.har");
  const foreign = path.join(dir, "bench-network.har");
  await writeFile(own, harText(har));
  // What a browser's Network export of the same calls holds: no spans, no extension fields.
  const plain = {
    log: {
      version: har.log.version, creator: { name: "WebInspector", version: "537.36" }, pages: har.log.pages,
      entries: har.log.entries.map((entry) => ({ ...Object.fromEntries(Object.entries(entry).filter(([k]) => !k.startsWith("_"))), _resourceType: "fetch" })),
    },
  };
  await writeFile(foreign, `${JSON.stringify(plain, null, 2)}\n`);
  return { own, foreign, dir };
}

export async function importSection(env: Env): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const reps = env.quick ? 1 : 3;
  const files = await writeFiles(env);
  const tab = await prepareTab(env);
  const panel = await openPanelTab(env.ext, tab.tabId);
  await panel.locator(".app").waitFor();
  const times: Record<"own" | "foreign", number[]> = { own: [], foreign: [] };
  const spans: Record<string, number> = {};
  try {
    for (let r = 0; r < reps; r++) {
      for (const kind of r % 2 ? (["foreign", "own"] as const) : (["own", "foreign"] as const)) {
        const file = files[kind];
        const name = path.basename(file);
        const t0 = performance.now();
        await panel.locator('input[type="file"]').setInputFiles(file);
        // Listed: the session picker names it with its span count, and the panel shows that many.
        const option = panel.locator(".session-picker option", { hasText: `Imported: ${name}` });
        await option.waitFor({ state: "attached", timeout: 300_000 });
        const count = Number(/\((\d+) spans\)/.exec((await option.textContent()) ?? "")?.[1]);
        await panel.locator(".status", { hasText: new RegExp(`^imported · \\d+ of \\d+ traces · ${count} spans$`) }).waitFor({ timeout: 300_000 });
        const ms = performance.now() - t0;
        times[kind].push(ms);
        spans[kind] = count;
        env.log(`  ${kind} HAR (${ENTRIES} entries): ${(ms / 1000).toFixed(2)} s, ${count} spans`);
        // The next import starts from the live tab, as the first one did; the session goes.
        await panel.getByRole("button", { name: "Remove imported session" }).click();
        await option.waitFor({ state: "detached" });
      }
    }
  } finally {
    await panel.close().catch(() => {});
    await tab.page.close().catch(() => {});
    await rm(files.dir, { recursive: true, force: true });
  }
  const rows: Row[] = [
    judge(single("import.foreign", "Import", `a ${ENTRIES.toLocaleString("en")}-entry Network HAR (spans re-derived): file chosen to session listed with all ${spans.foreign} spans`, "s", times.foreign.map((t) => t / 1000)), { text: "< 3 s", on: "value", limit: 3, strict: true }),
    judge(single("import.own", "Import", `the same as exported by the extension (spans included): file chosen to all ${spans.own} spans listed`, "s", times.own.map((t) => t / 1000)), { text: "< 3 s", on: "value", limit: 3, strict: true }),
  ];
  return { rows, details: { times, spans } };
}
