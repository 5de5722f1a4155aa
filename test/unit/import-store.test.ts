/**
 * An imported session as stored (fake-indexeddb in Node): exchanges kept in blocks come back
 * exactly as they were sent, chunks included, alone or many at once, and the session is listed
 * with its spans.
 */
import "./support/fake-browser";
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { test } from "node:test";
import { importBatch, listSessions } from "../../src/background/sessions";
import { importDbName, openStore, readExchanges } from "../../src/background/store";
import { assembleExchange } from "../../src/core/ingest";
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
