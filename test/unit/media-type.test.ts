/**
 * A body's content type is a media type or it is dropped, where live capture folds it into the
 * exchange and where a HAR file is imported; the span stays, and the body says what happened.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CapturedBody } from "../../src/core/contract";
import { harText, toHar } from "../../src/core/files";
import { applyEvent, assembleExchange, checkedBodyType, emptyExchange, isMediaType } from "../../src/core/capture";
import { deriveSpan } from "../../src/core/providers";
import { META } from "../fixtures/files/session";
import { imported } from "./files/helpers";

const SHELL = "application/octet-stream\ntouch /tmp/pwned #";
const ID = "00000000000000a1";

describe("isMediaType (RFC 9110)", () => {
  it("takes type/subtype with parameters, tokens or quoted strings", () => {
    for (const ok of [
      "text/plain", "application/json; charset=utf-8", "TEXT/HTML ; q=1", "application/vnd.api+json",
      'multipart/form-data; boundary="a b"', 'a/b; x="q\\"uote"', "text/plain;", "text/plain; ;", " text/plain\t",
      "application/x-www-form-urlencoded;charset=UTF-8", "a/b; x=\"caf\u00e9\"",
      // Backquotes and $ are token characters: a media type is safe in a comment line, not in code.
      "a/b; x=`id`$x",
    ]) assert.ok(isMediaType(ok), JSON.stringify(ok));
  });

  it("refuses anything else: line ends, spaces, missing parts, non-token characters", () => {
    for (const bad of [
      "", "text", "text/", "/plain", "text/plain\n", SHELL, "a/b c", "a/b; x", "a/b; x=", 'a/b; x="open', "a/b;\r\nx=1",
      "a/b\u2028", 'a/b; x="\x7f"', "a/\u00e9", "a/b\u0000", "a/b; x=$(id)", 7, null, undefined,
    ]) assert.ok(!isMediaType(bad), JSON.stringify(bad));
  });

  it("checkedBodyType keeps a media type, leaves out an empty one, drops and marks the rest", () => {
    const body: CapturedBody = { text: "x", size: 1 };
    assert.deepEqual(checkedBodyType({ ...body, mimeType: "text/plain" }), { ...body, mimeType: "text/plain" });
    assert.deepEqual(checkedBodyType({ ...body, mimeType: "" }), body);
    assert.deepEqual(checkedBodyType({ ...body, mimeType: SHELL }), { ...body, mimeTypeDropped: true });
    assert.deepEqual(checkedBodyType(body), body);
  });
});

describe("a content type that is not a media type", () => {
  const captured = () => {
    let ex = emptyExchange(ID, 3, undefined, 1000);
    ex = applyEvent(ex, {
      t: "request", id: ID, transport: "fetch", time: 1000, method: "POST", url: "https://api.example.com/upload",
      headers: [["content-type", "application/json"]], body: { omitted: "binary", size: 12, mimeType: SHELL }, pageUrl: "https://app.example.com/",
    });
    ex = applyEvent(ex, {
      t: "response", id: ID, time: 1010, status: 200, statusText: "OK", headers: [], body: { omitted: "binary", size: 3, mimeType: "x y" },
    });
    return applyEvent(ex, { t: "end", id: ID, time: 1020, outcome: { state: "ok" }, chunks: 0 });
  };

  it("is dropped at ingest, the span kept and the body marked", () => {
    const ex = captured();
    assert.deepEqual(ex.request.body, { omitted: "binary", size: 12, mimeTypeDropped: true });
    assert.deepEqual(ex.response?.body, { omitted: "binary", size: 3, mimeTypeDropped: true });
    const span = deriveSpan(assembleExchange(ex, []), ex, 2000);
    assert.equal(span.spanId, ID);
    assert.equal(span.attributes["url.full"], "https://api.example.com/upload");
  });

  it("survives export and import as a mark, without the value", () => {
    const { tabId: _t, ...ex } = captured();
    const text = harText(toHar({ spans: [deriveSpan(assembleExchange(captured(), []), captured(), 2000)], exchanges: [{ ...ex, chunks: [] }] }, META));
    assert.ok(!text.includes("touch /tmp/pwned"));
    const back = imported(text).session.exchanges[0]!;
    assert.equal(back.request.body?.mimeTypeDropped, true);
    assert.equal(back.request.body?.mimeType, undefined);
  });

  it("in a HAR file of ours is dropped on import, with a warning", () => {
    const { tabId: _t, ...ex } = captured();
    const har = toHar({ spans: [], exchanges: [{ ...ex, request: { ...ex.request, body: { omitted: "binary", size: 12 } }, chunks: [] }] }, META);
    (har.log.entries[0]!._exchange.requestBody as CapturedBody).mimeType = SHELL;
    const r = imported(JSON.stringify(har));
    assert.deepEqual(r.session.exchanges[0]!.request.body, { size: 12, omitted: "binary", mimeTypeDropped: true });
    assert.ok(r.warnings.some((w) => /entry 0: the request body's content type was not a valid media type and was dropped/.test(w)), r.warnings.join("\n"));
  });

  it("in any other HAR is dropped on import, with a warning; Chrome's x-unknown is just no type", () => {
    const entry = (postMime: string, contentMime: string) => ({
      startedDateTime: "2025-03-10T09:12:05.301Z", time: 10, _resourceType: "fetch",
      request: { method: "POST", url: "https://api.example.com/upload", headers: [], postData: { mimeType: postMime, text: "{}" } },
      response: { status: 200, statusText: "OK", headers: [], content: { size: 3, mimeType: contentMime, text: "AAEC", encoding: "base64" } },
      timings: { send: 0, wait: 5, receive: 5 },
    });
    const r = imported(JSON.stringify({ log: { version: "1.2", creator: { name: "x", version: "1" }, entries: [entry(SHELL, "x-unknown"), entry("application/json", "image/png")] } }));
    const [hostile, plain] = r.session.exchanges;
    assert.deepEqual(hostile!.request.body, { text: "{}", size: 2, mimeTypeDropped: true });
    assert.deepEqual(hostile!.response?.body, { size: 3, omitted: "binary" });
    assert.equal(plain!.request.body?.mimeType, "application/json");
    assert.equal(plain!.response?.body?.mimeType, "image/png");
    assert.deepEqual(r.warnings.filter((w) => /media type/.test(w)), ["entry 0: the request body's content type was not a valid media type and was dropped"]);
  });
});
