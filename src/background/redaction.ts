/**
 * Redaction as the background applies it before anything is stored. The redactor is rebuilt
 * when the settings change. A streamed body is redacted chunk by chunk with a small held-back
 * window (a secret may straddle two chunks); that window's state holds unredacted text, so it
 * lives in memory and in storage.session (which survives worker restarts but never touches
 * disk), never in IndexedDB.
 */
import browser from "webextension-polyfill";
import { createRedactor, type Redactor, type StreamRedactState } from "../core/redaction";
import type { Settings } from "../core/settings";

const states = new Map<string, StreamRedactState>();
const key = (exchangeId: string) => `redact:${exchangeId}`;

let current: { settings: Settings; redactor: Redactor } | undefined;

/** All data was cleared: a stream's held-back text must not be released into the new store. */
export function forgetAll(): void {
  states.clear();
}

export function redactorFor(settings: Settings): Redactor {
  if (current?.settings !== settings) current = { settings, redactor: createRedactor(settings) };
  return current.redactor;
}

/** The stream states of these exchanges: from memory, else from storage.session, else new. */
export async function loadStreamStates(redactor: Redactor, ids: readonly string[]): Promise<Map<string, StreamRedactState>> {
  const out = new Map<string, StreamRedactState>();
  const missing = ids.filter((id) => {
    const s = states.get(id);
    // A copy: if the batch's transaction fails, the retry must start from the same state.
    if (s) out.set(id, structuredClone(s));
    return !s;
  });
  if (missing.length) {
    const stored = await browser.storage.session.get(missing.map(key)).catch(() => ({} as Record<string, unknown>));
    for (const id of missing) out.set(id, (stored[key(id)] as StreamRedactState | undefined) ?? redactor.startStream(id));
  }
  return out;
}

/** After the commit: keep the states of streams still open, forget the finished ones. */
export async function saveStreamStates(changed: Map<string, StreamRedactState>): Promise<void> {
  const keep: Record<string, StreamRedactState> = {};
  const drop: string[] = [];
  for (const [id, state] of changed) {
    if (state.done) {
      states.delete(id);
      drop.push(key(id));
    } else {
      states.set(id, state);
      keep[key(id)] = state;
    }
  }
  await Promise.all([
    Object.keys(keep).length ? browser.storage.session.set(keep) : undefined,
    drop.length ? browser.storage.session.remove(drop) : undefined,
  ]).catch(() => {});
}
