/** Requests of the settings page: remove everything, and recent calls for the redaction preview. */
import browser from "webextension-polyfill";
import { assembleExchange } from "../core/capture";
import { responseText } from "../core/contract";
import { SETTINGS_KEY } from "../core/settings";
import type { Sample } from "../shared/messages";
import { forgetDropped } from "./health";
import { forgetAll as forgetIngest } from "./ingest";
import { forgetAll as forgetPushes } from "./otlp-push";
import { notifyAllCleared } from "./ports";
import { forgetAll as forgetRecording } from "./recording";
import { forgetAll as forgetStreams } from "./redaction";
import { listSessions } from "./sessions";
import { DB_NAME, dropStore, importDbName, openStore, readExchanges } from "./store";

/** importDbName(id) is this prefix and the session id. */
const IMPORT_DB_PREFIX = importDbName(0).slice(0, -1);

/** Every trace database this extension may have made, listed or not (an import that failed midway is not). */
async function traceDatabases(): Promise<string[]> {
  const names = new Set([DB_NAME, ...(await listSessions()).map((s) => importDbName(s.id))]);
  const all = await indexedDB.databases?.().catch(() => []) ?? [];
  for (const db of all) if (db.name === DB_NAME || db.name?.startsWith(IMPORT_DB_PREFIX)) names.add(db.name);
  return [...names];
}

/** What each module keeps in memory of what was captured. */
function forgetMemory(): void {
  forgetIngest();
  forgetStreams();
  forgetRecording();
  forgetPushes();
  forgetDropped();
}

/**
 * Everything captured or imported goes: every trace database, all state in storage.local
 * (import list, paused tabs, storage notices, push state; the settings too if asked), the
 * stream redaction state in storage.session, and what the background holds in memory (the
 * counts of dropped events among it); open pages are told. Memory
 * is forgotten again once the databases are gone: a batch that was being stored meanwhile
 * (its transaction keeps the old database until it commits) must leave nothing behind.
 */
export async function clearAllData(settingsToo: boolean): Promise<{ removed: number }> {
  forgetMemory();
  const names = await traceDatabases();
  for (const name of names) await dropStore(name);
  const local = Object.keys(await browser.storage.local.get(null));
  await browser.storage.local.remove(local.filter((k) => settingsToo || k !== SETTINGS_KEY));
  await browser.storage.session.clear().catch(() => {});
  forgetMemory();
  notifyAllCleared();
  return { removed: names.length };
}

const SAMPLE_CHARS = 4000;

export async function recentSamples(count = 10): Promise<Sample[]> {
  const db = await openStore();
  const ids: string[] = [];
  let cursor = await db.transaction("spans").store.index("startTime").openCursor(null, "prev");
  while (cursor && ids.length < count) {
    if (cursor.value.exchangeId) ids.push(cursor.value.exchangeId);
    cursor = await cursor.continue();
  }
  const stored = await readExchanges(ids);
  return stored.flatMap((s) => {
    if (!s) return [];
    const ex = assembleExchange(s.record, s.chunks);
    const text = `${ex.request.method} ${ex.request.url}\n\n${ex.request.body?.text ?? ""}\n\n${responseText(ex)}`.slice(0, SAMPLE_CHARS);
    return [{ label: `${ex.request.method} ${ex.request.url.slice(0, 80)}`, text }];
  });
}
