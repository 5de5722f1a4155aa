/**
 * One tab's storage work, one piece at a time. Ingest and assembly of a tab share its window of
 * recent spans in memory (windows.ts), so each must see the other's result: a batch is placed
 * only once the previous one committed. Different tabs still overlap (IndexedDB orders their
 * transactions itself; only the CPU work in between runs side by side).
 */
const chains = new Map<number, Promise<unknown>>();

export function serially<T>(tabId: number, work: () => Promise<T>): Promise<T> {
  const previous = chains.get(tabId) ?? Promise.resolve();
  // Whatever the previous piece's outcome: a failed batch must not stop the tab's next one.
  const next = previous.then(work, work);
  const tail = next.catch(() => {});
  chains.set(tabId, tail);
  void tail.then(() => {
    if (chains.get(tabId) === tail) chains.delete(tabId);
  });
  return next;
}
