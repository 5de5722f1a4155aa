/**
 * The benchmark's browsers and the ways into the extension it needs: capture on/off through
 * the extension's own settings, its IndexedDB read and cleared from the worker, the content
 * script's isolated world (to send capture messages as the relay does), and the page's
 * main-thread task time.
 */
import type { CDPSession, Page } from "@playwright/test";
import { launchPlain, launchWithExtension, openContentWorld, tabIdOf, type ContentWorld, type Launched, type WithExtension } from "../../test/e2e/support/chromium";
import type { BenchServer } from "../server";

export type Condition = "on" | "off" | "plain";

export interface Env {
  server: BenchServer;
  ext: WithExtension;
  /** A browser without the extension, for the third column. */
  plain: Launched;
  quick: boolean;
  log(message: string): void;
}

export async function launchBrowsers(): Promise<{ ext: WithExtension; plain: Launched }> {
  const [ext, plain] = await Promise.all([launchWithExtension(), launchPlain()]);
  return { ext, plain };
}

let captureState: boolean | undefined;

/** The extension's master switch, as the options page sets it; pages pick it up when they load. */
export async function setCapture(ext: WithExtension, enabled: boolean): Promise<void> {
  if (captureState === enabled) return;
  await ext.worker.evaluate((on) => chrome.storage.local.set({ settings: { captureEnabled: on } }), enabled);
  captureState = enabled;
}

export interface StoreCounts {
  spans: number;
  /** Exchange spans that have ended (the page's requests fully stored). */
  ended: number;
  /** Ended model-call spans with status ok. */
  llmOk: number;
  interactions: number;
  exchanges: number;
}

/** Counts of what the extension stored, read inside its worker (optionally for one tab). */
export function storeCounts(ext: WithExtension, tabId?: number): Promise<StoreCounts> {
  return ext.worker.evaluate(async (tab) => {
    const db = await new Promise<IDBDatabase | undefined>((resolve, reject) => {
      const req = indexedDB.open("llm-trace");
      req.onupgradeneeded = () => req.transaction?.abort();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => (req.error?.name === "AbortError" ? resolve(undefined) : reject(req.error));
    });
    const empty = { spans: 0, ended: 0, llmOk: 0, interactions: 0, exchanges: 0 };
    if (!db) return empty;
    const tx = db.transaction(["spans", "exchanges", "exchangeBlocks"]);
    const spans = await new Promise<{ kind: string; status: string; endTime?: number; tabId: number; exchangeId?: string }[]>((resolve, reject) => {
      const req = tab === undefined ? tx.objectStore("spans").getAll() : tx.objectStore("spans").index("tabId").getAll(tab);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    // Those of the exchanges store and those in blocks (entries of the blocks' "ids" index).
    const count = (req: IDBRequest<number>) => new Promise<number>((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const exchanges = (await count(tx.objectStore("exchanges").count())) + (await count(tx.objectStore("exchangeBlocks").index("ids").count()));
    db.close();
    const out = { ...empty, spans: spans.length, exchanges };
    for (const s of spans) {
      if (s.kind === "interaction") out.interactions++;
      if (s.exchangeId && s.endTime !== undefined) out.ended++;
      if (s.kind === "llm" && s.status === "ok" && s.endTime !== undefined) out.llmOk++;
    }
    return out;
  }, tabId);
}

/** Empty the extension's database (between repetitions, when nothing is in flight). */
export async function clearStore(ext: WithExtension): Promise<void> {
  await ext.worker.evaluate(async () => {
    // Never create the database here: the extension's own upgrade must do that.
    const db = await new Promise<IDBDatabase | undefined>((resolve, reject) => {
      const req = indexedDB.open("llm-trace");
      req.onupgradeneeded = () => req.transaction?.abort();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => (req.error?.name === "AbortError" ? resolve(undefined) : reject(req.error));
    });
    if (!db) return;
    const names = [...db.objectStoreNames];
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(names, "readwrite");
      for (const n of names) tx.objectStore(n).clear();
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  });
}

/**
 * Wait until the store holds `ended` ended exchange spans (and, optionally, `llmOk` finished
 * model spans). Returns how long that took, or the counts reached when `timeoutMs` ran out.
 */
export async function drain(ext: WithExtension, want: { ended: number; llmOk?: number }, timeoutMs = 60_000): Promise<{ ms: number; counts: StoreCounts; complete: boolean }> {
  const start = performance.now();
  for (;;) {
    const counts = await storeCounts(ext);
    const complete = counts.ended >= want.ended && (want.llmOk === undefined || counts.llmOk >= want.llmOk);
    const ms = performance.now() - start;
    if (complete || ms > timeoutMs) return { ms, counts, complete };
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Main-thread time of a page so far (CDP Performance.getMetrics), in ms. */
export async function taskTime(cdp: CDPSession): Promise<{ task: number; script: number }> {
  const { metrics } = (await cdp.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] };
  const get = (name: string) => (metrics.find((m) => m.name === name)?.value ?? NaN) * 1000;
  return { task: get("TaskDuration"), script: get("ScriptDuration") };
}

/** A page under test in one of the three conditions (on/off share the extension's page). */
export interface Subject {
  cond: Condition;
  page: Page;
  cdp: CDPSession;
}

export async function openSubjects(env: Env, path = "/bench.html"): Promise<Record<Condition, Subject>> {
  const extPage = await env.ext.context.newPage();
  const plainPage = await env.plain.context.newPage();
  await Promise.all([extPage.goto(env.server.origin + path), plainPage.goto(env.server.origin + path)]);
  const [extCdp, plainCdp] = await Promise.all([env.ext.context.newCDPSession(extPage), env.plain.context.newCDPSession(plainPage)]);
  await Promise.all([extCdp.send("Performance.enable"), plainCdp.send("Performance.enable")]);
  return {
    on: { cond: "on", page: extPage, cdp: extCdp },
    off: { cond: "off", page: extPage, cdp: extCdp },
    plain: { cond: "plain", page: plainPage, cdp: plainCdp },
  };
}

export async function closeSubjects(subjects: Record<Condition, Subject>): Promise<void> {
  await subjects.on.page.close().catch(() => {});
  await subjects.plain.page.close().catch(() => {});
}

/**
 * Put a subject's page in its condition: capture switched in the extension's settings, the page
 * reloaded so the hook starts fresh with it, then a short settle so the relay has handed the
 * hook its configuration (and the same wait for every condition).
 */
export async function prepare(env: Env, s: Subject): Promise<void> {
  if (s.cond !== "plain") await setCapture(env.ext, s.cond === "on");
  await s.page.reload({ waitUntil: "load" });
  await s.page.waitForTimeout(300);
}

/** Repetition r runs the conditions in a rotated order (a Latin square), so none always goes first. */
export function rotation<T>(items: readonly T[], r: number): T[] {
  const k = r % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

const CONDITIONS: readonly Condition[] = ["on", "off", "plain"];

/**
 * `reps` repetitions of every condition in rotated order, each on its subject freshly prepared
 * (the extension's database emptied first, so one measurement's background work never spills
 * into the next).
 */
export async function eachRun(env: Env, subjects: Record<Condition, Subject>, reps: number, run: (s: Subject, cond: Condition, r: number) => Promise<void>): Promise<void> {
  for (let r = 0; r < reps; r++) {
    for (const cond of rotation(CONDITIONS, r)) {
      const s = subjects[cond];
      if (cond !== "plain") await clearStore(env.ext);
      await prepare(env, s);
      await run(s, cond, r);
    }
  }
}

/** The extension's content-script world in a page: code run here sends messages as the relay does. */
/** The extension's content-script (isolated) world of a page: what the relay can send, sent from there. */
export function contentScriptWorld(env: Env, page: Page): Promise<ContentWorld> {
  return openContentWorld(env.ext, page);
}

/** A fresh tab on the bench page with capture on, and the id Chrome gave it. */
export async function prepareTab(env: Env): Promise<{ page: Page; tabId: number }> {
  await setCapture(env.ext, true);
  const page = await env.ext.context.newPage();
  await page.goto(`${env.server.origin}/bench.html`);
  const tabId = await tabIdOf(env.ext, page);
  return { page, tabId };
}
