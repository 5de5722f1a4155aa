/**
 * Datasets as the background keeps them (fake-indexeddb in Node; docs/DESIGN.md, "Datasets"):
 * a batch with one malformed item stores nothing, items come back in the order added, and Clear
 * all data, which removes every trace database, leaves the datasets database alone.
 */
import "./support/fake-browser";
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { test } from "node:test";
import { addItems, createDataset, getDataset, listDatasets, removeDataset, saveRun, updateItem } from "../../src/background/datasets";
import { clearAllData } from "../../src/background/maintenance";
import type { DatasetItem } from "../../src/core/evals";

const item = (id: string, text: string): DatasetItem => ({
  id, input: { system: "S", messages: [{ role: "user", parts: [{ type: "text", content: `Q ${id}` }] }], params: { model: "gpt-4o-mini" } },
  expected: { text, toolCalls: [] }, metadata: { model: "gpt-4o-mini" },
  request: { url: "http://127.0.0.1:1/v1/chat/completions", method: "POST", body: "{}" },
});

test("datasets: all of a batch or none, kept through Clear all data", async () => {
  const d = await createDataset("FAQ");
  assert.equal((await createDataset(" FAQ ")).id, d.id, "the same name opens the same dataset");
  await addItems(d.id, [item("a1", "one"), item("a2", "two")]);
  await assert.rejects(addItems(d.id, [item("a3", "three"), { ...item("a4", "four"), request: { url: "file:///etc/passwd", method: "GET", body: "" } }]), /Item 2: request url is not an http\(s\) address/);
  await assert.rejects(addItems(d.id, [{ id: "a5" }]), /Item 1: the item has no input/);
  let got = await getDataset(d.id);
  assert.deepEqual(got.items.map((i) => i.id), ["a1", "a2"]);
  assert.deepEqual(got.items[0], item("a1", "one"));

  await updateItem(d.id, { ...item("a2", "TWO") });
  await assert.rejects(updateItem(d.id, item("zz", "x")), /No such item/);
  await saveRun({ id: "00000000000000aa", datasetId: d.id, startedAt: 1, state: "done", override: {}, checks: [{ kind: "exact" }], concurrency: 2, results: [{ itemId: "a1", status: "passed" }] });
  await assert.rejects(saveRun({ id: "nope" }), /Not a run/);

  await clearAllData(false);
  got = await getDataset(d.id);
  assert.deepEqual(got.items.map((i) => i.expected.text), ["one", "TWO"]);
  assert.equal(got.runs.length, 1);
  assert.deepEqual((await listDatasets()).map((x) => [x.name, x.items, x.runs]), [["FAQ", 2, 1]]);

  await removeDataset(d.id);
  assert.deepEqual(await listDatasets(), []);
  await assert.rejects(getDataset(d.id), /No such dataset/);
});
