/** The tab a panel opened as a page shows: `?tabId=N`, a whole number; anything else is none. */
export function tabIdFromSearch(search: string): number | undefined {
  const text = new URLSearchParams(search).get("tabId")?.trim();
  if (!text || !/^\d{1,10}$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : undefined;
}
