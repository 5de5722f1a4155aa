import assert from "node:assert/strict";
import { test } from "node:test";
import { chunkBlock, unpackChunks } from "../../src/core/capture";
import { putChunks, readChunks } from "../../src/background/store";
import type { ChunkRecord, StoredChunks } from "../../src/core/contract";
import { prng, randInt } from "./providers/random";

const chunk = (seq: number, exchangeId = "ex1"): ChunkRecord => ({ exchangeId, seq, time: 1000 + seq, text: `data: ${seq}\n\n` });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => chunk(from + i));

// Node has no IndexedDB: the key range is all the helpers ask of it.
(globalThis as { IDBKeyRange?: unknown }).IDBKeyRange ??= { bound: (lower: unknown, upper: unknown) => ({ lower, upper }) };

/** An object store in memory, keyed like the real one: [exchangeId, seq]. */
function memoryStore() {
  const records = new Map<string, StoredChunks>();
  const key = (k: [string, number]) => JSON.stringify(k);
  return {
    records,
    get: async (k: [string, number]) => structuredClone(records.get(key(k))),
    getAll: async (r: IDBKeyRange) => [...records.values()].filter((v) => v.exchangeId === (r.lower as [string, number])[0]).sort((a, b) => a.seq - b.seq),
    put: async (v: StoredChunks) => void records.set(key([v.exchangeId, v.seq]), structuredClone(v)),
  };
}

test("a block unpacks to the chunks it was made of, in order", () => {
  const chunks = range(3, 9);
  const block = chunkBlock([...chunks].reverse());
  assert.equal(block.seq, 3);
  assert.deepEqual(unpackChunks([block]), chunks);
});

test("single-chunk records of older databases and overlapping blocks unpack to each chunk once", () => {
  const stored: StoredChunks[] = [chunk(0), chunk(1), chunkBlock(range(1, 4)), chunkBlock(range(4, 6)), chunk(7), chunkBlock(range(8, 8))];
  assert.deepEqual(unpackChunks(stored), range(0, 8));
  assert.deepEqual(unpackChunks([...stored].reverse()), range(0, 8));
});

/** Fisher-Yates with the test's own generator. */
function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randInt(rand, 0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

test("any split of a stream into blocks, delivered in any order and twice, unpacks to the stream", () => {
  const stream = range(0, 40);
  // Seeded, so a failing split reproduces: the trial number names it.
  const rand = prng(20250417);
  for (let trial = 0; trial < 200; trial++) {
    const blocks: StoredChunks[] = [];
    for (let at = 0; at < stream.length; ) {
      const size = randInt(rand, 1, 6);
      blocks.push(chunkBlock(stream.slice(at, at + size)));
      at += size;
    }
    const delivered = shuffle([...blocks, ...blocks.filter(() => rand() < 0.3)], rand);
    assert.deepEqual(unpackChunks(delivered), stream, `trial ${trial}`);
  }
});

test("putChunks writes one record per call, and merges with a block already at its key", async () => {
  const store = memoryStore();
  await putChunks(store, range(0, 4));
  await putChunks(store, range(5, 9));
  assert.equal(store.records.size, 2);
  // The same first seq again with fewer chunks (a batch delivered twice at once): nothing is lost.
  await putChunks(store, range(5, 6));
  assert.equal(store.records.size, 2);
  assert.deepEqual(await readChunks(store, "ex1"), range(0, 9));
  await putChunks(store, []);
  assert.equal(store.records.size, 2);
});
