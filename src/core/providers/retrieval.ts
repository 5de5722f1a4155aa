/**
 * Retrieval spans: requests to vector stores and search APIs, at their own addresses
 * (retrieval-vendors.ts) or anywhere by the shapes of request and response
 * (retrieval-shapes.ts), and an app's own search endpoints (retrieval-heuristic.ts) become
 * `retrieval` spans with gen_ai.data_source.id, gen_ai.retrieval.query.text and
 * gen_ai.retrieval.documents.
 * classify.ts asks `detectRetrieval` only for exchanges no model-API route claimed.
 */
import { handleHttpError, readJsonBody } from "./body";
import type { Ctx } from "./context";
import type { DraftBuilder } from "./draft";
import { detectSearchEndpoint } from "./retrieval-heuristic";
import { setDocuments, setRetrievalRequest } from "./retrieval-docs";
import { detectRetrievalShape } from "./retrieval-shapes";
import type { RetrievalRequest } from "./retrieval-docs";
import { detectVendorRetrieval } from "./retrieval-vendors";

export type { RetrievalRequest, RetrievedDoc } from "./retrieval-docs";

function decodedPath(ctx: Ctx): string {
  try {
    return decodeURIComponent(ctx.path);
  } catch {
    return ctx.path;
  }
}

/**
 * A vendor request by URL grammar (known before any response), else a vendor's call elsewhere
 * by its request and response shapes, else an app endpoint by response shape.
 */
export function detectRetrieval(ctx: Ctx): RetrievalRequest | undefined {
  return detectVendorRetrieval(ctx, decodedPath(ctx)) ?? detectRetrievalShape(ctx) ?? detectSearchEndpoint(ctx);
}

/** Fill the draft for a detected retrieval; returns gen_ai.provider.name, if a vendor's. */
export function parseRetrieval(ctx: Ctx, b: DraftBuilder, r: RetrievalRequest): string | undefined {
  setRetrievalRequest(b, r);
  if (handleHttpError(ctx, b)) return r.provider;
  // A JSON body is only judged once it is whole; a partial one is expected to be invalid.
  if (ctx.chunks.length === 0 && !ctx.complete) return r.provider;
  const body = readJsonBody(ctx, b);
  if (body === undefined) return r.provider;
  const err = r.bodyError?.(body);
  if (err) {
    b.fail(err);
    return r.provider;
  }
  const docs = r.readDocs(body);
  if (docs) setDocuments(b, docs);
  else if (ctx.done) b.problem(`response is not a ${r.provider ?? "search"} result list`);
  return r.provider;
}
