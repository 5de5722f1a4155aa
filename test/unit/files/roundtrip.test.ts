/**
 * Our own files are lossless: export -> import -> export gives the same bytes, and import gives
 * back the exact spans and exchanges (chunk times and texts included) for spans of every kind.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toHar, type TraceSession } from "../../../src/core/files";
import { chromeHar } from "../../fixtures/files/chrome-har";
import { firefoxHar } from "../../fixtures/files/firefox-har";
import { fullSession, mergeSessions, oddBodies, providerSession, rechunkedSession, supportBotTrace } from "../../fixtures/files/session";
import { byId, comparable, exportText, imported } from "./helpers";

function assertLossless(session: TraceSession, label: string): void {
  const first = exportText(session);
  const back = imported(first);
  assert.equal(back.format, "llm-trace-har", label);
  assert.deepEqual(back.warnings, [], `${label}: warnings`);
  const second = exportText(back.session);
  assert.ok(first === second, `${label}: re-export differs`);
  assert.deepEqual(comparable(back.session.spans), comparable(uniqueSpans(session)), `${label}: spans`);
  assert.deepEqual(byId(back.session.exchanges), byId(uniqueExchanges(session)), `${label}: exchanges`);
  for (const s of back.session.spans) assert.equal(s.tabId, 0, "imported spans have tabId 0");
}

const uniqueSpans = (s: TraceSession) => s.spans.filter((x, i) => s.spans.findIndex((y) => y.spanId === x.spanId) === i);
const uniqueExchanges = (s: TraceSession) => s.exchanges.filter((x, i) => s.exchanges.findIndex((y) => y.id === x.id) === i);

describe("export -> import -> export is lossless", () => {
  it("a support-bot trace: interaction, agent, retrieval, llm, tool, http", () => assertLossless(supportBotTrace(), "support bot"));
  it("odd bodies: binary, truncated, redirected, streamed upload, form, aborted", () => assertLossless(oddBodies(), "odd bodies"));
  it("every provider fixture: streamed and not, embeddings, errors, in flight", () => assertLossless(providerSession(), "providers"));
  it("chunks cut inside surrogate pairs and one character at a time", () => assertLossless(rechunkedSession(), "rechunked"));
  it("all of it at once, plus a span without its exchange and an exchange without a span", () => assertLossless(fullSession(), "full"));

  it("covers every span kind, streamed and non-streamed llm, error, aborted, binary, truncated and in-flight spans", () => {
    const s = fullSession();
    const kinds = new Set(s.spans.map((x) => x.kind));
    for (const k of ["interaction", "llm", "embedding", "retrieval", "tool", "agent", "http"]) assert.ok(kinds.has(k as never), k);
    assert.ok(s.spans.some((x) => x.kind === "llm" && x.attributes["gen_ai.request.stream"] === true));
    assert.ok(s.spans.some((x) => x.kind === "llm" && x.attributes["gen_ai.request.stream"] !== true));
    assert.ok(s.spans.some((x) => x.status === "error"));
    assert.ok(s.spans.some((x) => x.attributes["error.type"] === "AbortError"));
    assert.ok(s.spans.some((x) => x.endTime === undefined));
    assert.ok(s.exchanges.some((x) => x.response?.body?.omitted === "binary"));
    assert.ok(s.exchanges.some((x) => x.response?.body?.truncated));
    assert.ok(s.exchanges.some((x) => x.request.body?.truncated));
  });

  it("a session imported from Chrome's or Firefox's HAR is lossless once saved in our format", () => {
    assertLossless(imported(JSON.stringify(chromeHar())).session, "from chrome");
    assertLossless(imported(JSON.stringify(firefoxHar())).session, "from firefox");
  });

  it("does not depend on the order the store returned spans and exchanges in", () => {
    const s = fullSession();
    const shuffled = { spans: [...s.spans].reverse(), exchanges: [...s.exchanges].reverse() };
    assert.equal(exportText(shuffled), exportText(s));
  });

  it("drops duplicate spans and exchanges on export (first wins), so re-export is stable", () => {
    const s = supportBotTrace();
    assertLossless(mergeSessions(s, { spans: [s.spans[0]!], exchanges: [s.exchanges[0]!] }), "duplicates");
  });

  it("restores the exact chunk arrival times, fractional milliseconds included", () => {
    const s = rechunkedSession();
    const t0 = s.exchanges[0]!.timing.start;
    s.exchanges[0]!.chunks = s.exchanges[0]!.chunks.map((c, i) => ({ ...c, time: t0 + i * 0.1 + 1 / 3 }));
    s.exchanges[0]!.chunks[0]!.time = -5; // absurd, but must survive too (absolute encoding)
    const back = imported(exportText(s));
    const ex = back.session.exchanges.find((e) => e.id === s.exchanges[0]!.id)!;
    assert.deepEqual(ex.chunks, s.exchanges[0]!.chunks);
  });

  it("keeps spans whose exchange is missing in log._spans, with their exchangeId", () => {
    const har = toHar(fullSession(), { creatorVersion: "0" });
    const orphan = har.log._spans.find((s) => s.exchangeId !== undefined);
    assert.ok(orphan, "a span with exchangeId in _spans");
    assert.ok(har.log.entries.some((e) => e._span === undefined), "an entry without _span");
  });
});
