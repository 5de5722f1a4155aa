/**
 * Just enough of the extension API for background modules to run in Node: runtime.id and the
 * storage areas, in memory. webextension-polyfill hands out globalThis.browser as it is when it
 * finds one, so this must be imported before any background module.
 */
type Items = Record<string, unknown>;

function area() {
  const items = new Map<string, unknown>();
  return {
    items,
    async get(keys?: string | string[] | null): Promise<Items> {
      const wanted = keys === undefined || keys === null ? [...items.keys()] : typeof keys === "string" ? [keys] : keys;
      return Object.fromEntries(wanted.filter((k) => items.has(k)).map((k) => [k, structuredClone(items.get(k))]));
    },
    async set(values: Items): Promise<void> {
      for (const [k, v] of Object.entries(values)) items.set(k, structuredClone(v));
    },
    async remove(keys: string | string[]): Promise<void> {
      for (const k of typeof keys === "string" ? [keys] : keys) items.delete(k);
    },
    async clear(): Promise<void> {
      items.clear();
    },
  };
}

const listeners = { addListener() {}, removeListener() {}, hasListener: () => false };

export const fakeBrowser = {
  runtime: { id: "unit-test", getURL: (path: string) => `chrome-extension://unit-test/${path}` },
  storage: { local: area(), session: area(), onChanged: listeners },
};

(globalThis as Record<string, unknown>).chrome = { runtime: { id: "unit-test" } };
(globalThis as Record<string, unknown>).browser = fakeBrowser;
