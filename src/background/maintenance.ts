/** Requests of the settings page: remove everything, and recent calls for the redaction preview. */
import browser from "webextension-polyfill";
import { assembleExchange } from "../core/ingest";
import { responseText } from "../core/exchange";
import { SETTINGS_KEY } from "../core/settings";
import type { Sample } from "../shared/messages";
import { listSessions } from "./sessions";
import { DB_NAME, dropStore, importDbName, openStore, readExchanges } from "./store";

/** Storage keys of capture state (not settings). */
const STATE_KEYS = ["imported-sessions", "paused-tabs", "otlp-pushed", "otlp-status"];

export async function clearAllData(settingsToo: boolean): Promise<{ removed: number }> {
  const sessions = await listSessions();
  await dropStore(DB_NAME);
  for (const s of sessions) await dropStore(importDbName(s.id));
  await browser.storage.local.remove([...STATE_KEYS, ...(settingsToo ? [SETTINGS_KEY] : [])]);
  await browser.storage.session.clear().catch(() => {});
  return { removed: sessions.length + 1 };
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
