/**
 * Reading a whole (non-streamed) response body as JSON, and the HTTP-error path every provider
 * shares. Failures become explanations on the draft, never exceptions.
 */
import type { Ctx } from "./context";
import { errorFromBody } from "./draft";
import type { DraftBuilder } from "./draft";
import { excerpt, parseJson } from "./json";

/**
 * The body as JSON once the exchange is over. While in flight a partial body is expected to be
 * invalid JSON, so nothing is said about it.
 */
export function readJsonBody(ctx: Ctx, b: DraftBuilder): unknown {
  const text = ctx.text();
  if (text.trim() === "") {
    if (ctx.complete) {
      b.problem("empty response body");
      b.unparsed = true;
    }
    return undefined;
  }
  const parsed = parseJson(text);
  if (parsed.ok) return parsed.value;
  if (!ctx.done) return undefined;
  b.unparsed = true;
  if (ctx.bodyTruncated) b.problem("response body truncated at the capture cap: not valid JSON");
  else if (!ctx.mime.includes("json")) b.problem(`response body is not JSON (${ctx.mime || "no content type"}): ${excerpt(text, 80)}`);
  else b.problem(`response body is not valid JSON: ${parsed.error}`);
  return undefined;
}

/**
 * HTTP status >= 400: the provider's error type and message from the body when it gives them
 * (else error.type is the status code, set when the status is decided). Returns true when the
 * response was an HTTP error, so the caller stops parsing it as a success.
 */
export function handleHttpError(ctx: Ctx, b: DraftBuilder): boolean {
  if (ctx.status === undefined || ctx.status < 400) return false;
  const text = ctx.text();
  if (text.trim() === "") return true;
  const parsed = parseJson(text);
  if (parsed.ok) {
    const err = errorFromBody(parsed.value, String(ctx.status));
    if (err) b.fail(err);
  } else if (ctx.done) {
    // Gateways answer 502/503 with HTML pages: keep a readable hint, the body is in the exchange.
    b.problem(`error body is not JSON (${ctx.mime || "no content type"}): ${excerpt(text, 80)}`);
  }
  return true;
}
