/**
 * The helpers that keep the hook's own work out of the page's reach (src/page/natives.ts;
 * docs/DESIGN.md, "Captured natives"), tested against a page that replaced the built-ins.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getter, listOf, ownValue } from "../../../src/page/natives";

describe("listOf", () => {
  it("is a list the platform takes (a transfer list) that never runs the page's array iterator", () => {
    const arrayIterators = Object.getPrototypeOf([][Symbol.iterator]());
    const iterator = Object.getOwnPropertyDescriptor(Array.prototype, Symbol.iterator)!;
    const next = Object.getOwnPropertyDescriptor(arrayIterators, "next")!;
    let pageCode = 0;
    Object.defineProperty(arrayIterators, "next", { ...next, value: () => pageCode++ });
    Object.defineProperty(Array.prototype, Symbol.iterator, { ...iterator, value: () => pageCode++ });
    const buffer = new ArrayBuffer(8);
    const { port1, port2 } = new MessageChannel();
    const seen: unknown[] = [];
    try {
      port1.postMessage("x", listOf([buffer]));
      for (const item of listOf(["a", "b"]) as unknown as Iterable<string>) seen[seen.length] = item;
    } finally {
      Object.defineProperty(Array.prototype, Symbol.iterator, iterator);
      Object.defineProperty(arrayIterators, "next", next);
      port1.close();
      port2.close();
    }
    assert.equal(pageCode, 0);
    assert.equal(buffer.byteLength, 0, "transferred");
    assert.deepEqual(seen, ["a", "b"]);
    // Not an array: an own Symbol.iterator on an array would cost the page V8's array fast paths.
    assert.equal(Array.isArray(listOf([])), false);
  });
});

describe("ownValue and getter", () => {
  it("read data properties, never an accessor nor what the page put on Object.prototype", () => {
    let pageCode = 0;
    Object.defineProperty(Object.prototype, "value", { __proto__: null, configurable: true, get: () => (pageCode++, "page's") } as PropertyDescriptor);
    try {
      const obj = { data: 1, get accessor() { return pageCode++; } };
      assert.equal(ownValue(obj, "data"), 1);
      assert.equal(ownValue(obj, "accessor"), undefined);
      assert.equal(ownValue(obj, "missing"), undefined);
      // A getter the platform lacks reads the object's own data property (a MessageChannel's ports in Node).
      assert.equal(getter(Object.create(null), "data")(obj), 1);
      assert.equal(getter(Object.create(null), "accessor")(obj), undefined);
    } finally {
      delete (Object.prototype as Record<string, unknown>).value;
    }
    assert.equal(pageCode, 0);
  });
});
