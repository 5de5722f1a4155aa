/**
 * An imported session as stored (fake-indexeddb in Node): exchanges and spans kept in blocks
 * come back exactly as they were sent (chunks included; spans in start order, page by page as
 * the panel asks for them), and the session is listed with its span count.
 */
import "./support/fake-browser";
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { test } from "node:test";
import { SESSION_TAB, importBatch, listSessions } from "../../src/background/sessions";
import { importDbName, listSpans, openStore, readExchanges } from "../../src/background/store";
import { assembleExchange } from "../../src/core/capture";
import { supportBotTrace } from "../fixtures/files/session";

test("an imported session's exchanges come back as they were sent, from their blocks", async () => {
  const { spans, exchanges } = supportBotTrace();
  // Enough copies for several blocks.
  const many = Array.from({ length: 300 }, (_, k) => exchanges.map((ex) => ({ ...ex, id: `${k.toString(16).padStart(4, "0")}${ex.id.slice(4)}` }))).flat();
  const { session } = await importBatch({ name: "bot.har", format: "llm-trace-har", spans, exchanges: many.slice(0, 600), done: false });
  await importBatch({ session, name: "bot.har", format: "llm-trace-har", spans: [], exchanges: many.slice(600), done: true });
  const db = await openStore(importDbName(session));
  assert.ok((await db.count("exchangeBlocks")) > 1);
  assert.equal(await db.count("exchanges"), 0);

  const ids = [many[0]!.id, many[1]!.id, many.at(-1)!.id, "ffffffffffffffff"];
  const read = await readExchanges(ids, importDbName(session));
  assert.deepEqual(read.map((s) => s && assembleExchange(s.record, s.chunks)), [many[0], many[1], many.at(-1), undefined]);
  const all = await readExchanges(many.map((e) => e.id), importDbName(session));
  assert.deepEqual(all.map((s) => s && assembleExchange(s.record, s.chunks)), many);
  assert.deepEqual((await listSessions()).find((s) => s.id === session)?.spans, spans.length);
});

test("an imported session's spans are listed in start order, newest pages first, as the panel pages them", async () => {
  const base = supportBotTrace().spans[0]!;
  // 5,000 spans, several to a start time.
  const spans = Array.from({ length: 5_000 }, (_, i) => ({ ...base, spanId: (0x100000 + i).toString(16).padStart(16, "0"), startTime: 1_000 + Math.floor(i / 3) }));
  const shuffled = [...spans].sort((a, b) => (a.spanId.split("").reverse().join("") < b.spanId.split("").reverse().join("") ? -1 : 1));
  const { session } = await importBatch({ name: "many.har", format: "llm-trace-har", spans: shuffled.slice(0, 2_000), exchanges: [], done: false });
  await importBatch({ session, name: "many.har", format: "llm-trace-har", spans: shuffled.slice(2_000), exchanges: [], done: true });
  const db = importDbName(session);
  const all = await listSpans(SESSION_TAB, db);
  assert.deepEqual(all.map((s) => s.spanId), spans.map((s) => s.spanId));
  assert.ok(all.every((s) => s.tabId === SESSION_TAB));
  assert.deepEqual((await listSpans(SESSION_TAB, db, { newest: 600 })).map((s) => s.spanId), spans.slice(-600).map((s) => s.spanId));
  // `until` is inclusive: the spans sharing the bound come back with the older page.
  const until = spans.at(-600)!.startTime;
  const older = await listSpans(SESSION_TAB, db, { newest: 1_000, until });
  assert.deepEqual(older.map((s) => s.spanId), spans.filter((s) => s.startTime <= until).slice(-1_000).map((s) => s.spanId));
  assert.equal((await listSessions()).find((s) => s.id === session)?.spans, 5_000);
});
