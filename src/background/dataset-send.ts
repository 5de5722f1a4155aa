/**
 * A regression run's send (docs/DESIGN.md, "Regression runs"): one dataset item's request, with
 * the run's override already written into its body by the panel, sent from the inspected page
 * the way a replay is. The item may come from an earlier page load or an imported file: when
 * its original call is one of this tab's and its frame still holds that call's headers, they
 * are used; otherwise the hook answers "credentials-gone" and the panel asks for a header,
 * used for this run only and never stored. The URL and method are the item's own, as stored.
 */
import { checkRequestUrl, MAX_BODY_CHARS } from "../core/evals";
import { isSpanId, randomHex } from "../core/contract";
import type { DatasetSendParams, ReplayResult } from "../shared/messages";
import { readItem } from "./datasets";
import { checkedHeaders, refused, sendFromPage } from "./replay";
import { readExchanges } from "./store";

export async function sendDatasetItem(tabId: number, params: DatasetSendParams): Promise<ReplayResult> {
  const { datasetId, itemId, body } = params as Partial<DatasetSendParams>;
  if (typeof body !== "string" || body.length > MAX_BODY_CHARS) return refused("the body is not text of at most 4 MB");
  const headers = checkedHeaders((params as { headers?: unknown }).headers);
  if (typeof headers === "string") return refused(headers);
  const item = await readItem(datasetId, itemId);
  if (!item) return refused("no such dataset item");
  const request = item.request;
  const url = checkRequestUrl(request?.url);
  if (!request || !url) return { ok: false, reason: "not-replayable", message: "This item has no request to send (it was imported without one)." };
  // The original call, if it is this tab's: its frame may still hold its headers.
  const originalId = isSpanId(item.metadata.spanId) ? item.metadata.spanId : randomHex(8);
  const [stored] = await readExchanges([originalId]);
  const frameId = stored && stored.record.tabId === tabId ? stored.record.frameId ?? 0 : 0;
  return sendFromPage(tabId, frameId, { originalId, url, method: request.method, body, count: 1, headers });
}
