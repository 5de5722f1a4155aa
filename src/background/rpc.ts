/**
 * The background's answers to its pages' calls: one handler per method of RpcMap
 * (src/shared/messages.ts), typed from it, so a method without a handler, or a handler of the
 * wrong shape, fails the typecheck. Params come from extension pages, but are checked as if
 * they did not: every handler takes only what it expects.
 */
import { assembleExchange } from "../core/capture";
import { sessionSpansChanged, tabCleared, type RpcHandlers } from "../shared/messages";
import { healthOf, storageNotices } from "./health";
import { clearAllData, recentSamples } from "./maintenance";
import { getPushStatus, pushAgain } from "./otlp-push";
import { notifySpans, pushToAll, pushToTab, type Caller } from "./ports";
import { isRecording, setRecording } from "./recording";
import { sendDatasetItem } from "./dataset-send";
import { addItems, createDataset, getDataset, listDatasets, removeDataset, removeItems, removeRun, saveRun, updateItem } from "./datasets";
import { replayCall } from "./replay";
import { saveReview, usedLabels, withStoredReviews } from "./reviews";
import { setSiteCapture, siteState } from "./scope";
import { SESSION_TAB, importBatch, listSessions, removeSession, sessionDb } from "./sessions";
import { DB_NAME, deleteSpans, deleteTabEvents, deleteTabReviews, importDbName, listSpans, readExchanges, spanIdsOfTab, type StoredExchange } from "./store";

const MAX_IDS_PER_CALL = 500;

function exchangesOf(stored: (StoredExchange | undefined)[], tabId: number) {
  return stored.map((s) => (s && s.record.tabId === tabId ? assembleExchange(s.record, s.chunks) : null));
}

const count = (n: unknown) => (typeof n === "number" && Number.isFinite(n) ? n : undefined);

export function handlersFor(caller: Caller): RpcHandlers {
  /** The caller's tab: a panel's calls reach only the tab it inspects; the settings page's none. */
  function tab(): number {
    if (caller.tabId === undefined) throw new Error("only a panel may make this call");
    return caller.tabId;
  }
  /** Where a call reads: the panel's live tab, or an imported session's own database. */
  async function scope(params: { session?: unknown }): Promise<{ tabId: number; db?: string; session?: number }> {
    const tabId = tab();
    if (params.session === undefined) return { tabId };
    const db = await sessionDb(params.session);
    if (!db) throw new Error("no such imported session");
    return { tabId: SESSION_TAB, db, session: params.session as number };
  }

  return {
    async listSpans(params) {
      const where = await scope(params);
      const newest = count(params.newest);
      const until = count(params.until);
      const spans = await listSpans(where.tabId, where.db, { ...(newest !== undefined ? { newest: Math.max(1, Math.floor(newest)) } : {}), ...(until !== undefined ? { until } : {}) });
      return withStoredReviews(spans, where);
    },
    async getExchange(params) {
      const where = await scope(params);
      return typeof params.id === "string" ? exchangesOf(await readExchanges([params.id], where.db), where.tabId)[0]! : null;
    },
    async getExchanges(params) {
      const where = await scope(params);
      const ids = Array.isArray(params.ids) ? params.ids.filter((id): id is string => typeof id === "string").slice(0, MAX_IDS_PER_CALL) : [];
      return exchangesOf(await readExchanges(ids, where.db), where.tabId);
    },
    // Imported sessions belong to no tab: any page may list, add or remove them.
    listSessions: () => listSessions(),
    importBatch: (params) => importBatch(params),
    async removeSession({ session }) {
      await removeSession(session);
      return { removed: true };
    },
    async clearTab() {
      const tabId = tab();
      const removed = await deleteSpans(await spanIdsOfTab(tabId));
      await deleteTabEvents(tabId);
      await deleteTabReviews(tabId);
      pushToTab(tabId, tabCleared());
      return { removed };
    },
    getRecording: async () => ({ recording: await isRecording(tab()) }),
    setRecording: async ({ recording }) => ({ recording: await setRecording(tab(), recording === true) }),
    getHealth: async ({ since }) => ({ dropped: healthOf(tab()), notices: await storageNotices(typeof since === "number" ? since : 0) }),
    getSiteState: async () => siteState(tab()),
    setSiteCapture: async ({ capture }) => setSiteCapture(tab(), capture === true ? true : capture === false ? false : null),
    clearAllData: ({ settings }) => clearAllData(settings === true),
    recentSamples: () => recentSamples(),
    getPushStatus: () => getPushStatus(),
    replay: (params) => replayCall(tab(), params),
    listDatasets: () => listDatasets(),
    createDataset: ({ name }) => createDataset(name),
    getDataset: ({ datasetId }) => getDataset(datasetId),
    addDatasetItems: ({ datasetId, items }) => addItems(datasetId, items),
    updateDatasetItem: ({ datasetId, item }) => updateItem(datasetId, item),
    removeDatasetItems: ({ datasetId, ids }) => removeItems(datasetId, ids),
    removeDataset: ({ datasetId }) => removeDataset(datasetId),
    saveDatasetRun: ({ run }) => saveRun(run),
    removeDatasetRun: ({ runId }) => removeRun(runId),
    sendDatasetItem: (params) => sendDatasetItem(tab(), params),
    // Every panel showing the span hears of it: the tab's (as any span change), or, for an
    // imported session, every panel (any may be showing it). A pushed trace goes again.
    async setReview(params) {
      const where = await scope(params);
      const span = await saveReview(where, params.spanId, params.review);
      if (where.session !== undefined) pushToAll(sessionSpansChanged(where.session, [span]));
      else {
        notifySpans(where.tabId, [span]);
        void pushAgain(where.tabId, span.traceId);
      }
      return span;
    },
    // Labels are the user's own words, offered wherever they review: from every database.
    async reviewLabels() {
      tab();
      return usedLabels([DB_NAME, ...(await listSessions()).map((s) => importDbName(s.id))]);
    },
  };
}
