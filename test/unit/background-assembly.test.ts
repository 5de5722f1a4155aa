/**
 * The background's assembly over IndexedDB (fake-indexeddb in Node): the window it reads, and
 * that spans stored faster than assembly runs are still assembled.
 */
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { test } from "node:test";
import { assembleTab } from "../../src/background/assembly";
import { openStore } from "../../src/background/store";
import { BASE, TAB, interaction, recordSpan } from "../fixtures/assembly/record";
import { chatStream } from "../fixtures/providers/openai-chat";

/** `n` questions 60 ms apart: a click, then a chat completion 5 ms later. */
async function storeQuestions(dbName: string, n: number) {
  const db = await openStore(dbName);
  const tx = db.transaction(["spans", "events"], "readwrite");
  const clicks = [];
  for (let i = 0; i < n; i++) {
    const click = interaction(i * 60, "click", 'button "Ask"');
    clicks.push(click);
    await tx.objectStore("events").put({ ...click, kind: "interaction" });
    await tx.objectStore("spans").put(recordSpan(chatStream, i * 60 + 5));
  }
  await tx.done;
  return { db, clicks };
}

const parented = async (dbName: string) => (await (await openStore(dbName)).getAll("spans")).filter((s) => s.kind === "llm" && s.parentSpanId !== undefined).length;

test("a burst stored faster than assembly runs is assembled whole when the run is told where it began", async () => {
  // 1,500 model calls at once: more than the window's 1,000 newest spans.
  await storeQuestions("burst-with-from", 1_500);
  await assembleTab(TAB, BASE + 100_000, "burst-with-from", BASE);
  assert.equal(await parented("burst-with-from"), 1_500);
});

test("without where the burst began, a run looks at the newest 1,000 spans only", async () => {
  await storeQuestions("burst-without-from", 1_500);
  await assembleTab(TAB, BASE + 100_000, "burst-without-from");
  const assembled = await parented("burst-without-from");
  assert.ok(assembled < 1_500 && assembled >= 1_000 - 10, `${assembled} assembled`);
});

test("what a run writes is stamped when it is written, not when the run was asked for", async () => {
  // The panel keeps the newest version of a span it is sent: an ingest that committed while the
  // run waited for its lock must not look newer than the run's patch of the same span.
  await storeQuestions("stamped", 20);
  const asked = BASE + 100_000;
  const before = Date.now();
  const { changed } = await assembleTab(TAB, asked, "stamped");
  assert.ok(changed.length >= 20);
  for (const span of changed) assert.ok(span.updatedAt >= before, `updatedAt ${span.updatedAt}`);
});
