/**
 * In-page steps of the review e2e in Firefox (handed to Puppeteer as source text: each function
 * stays self-contained). They drive the panel as a person would, by its elements.
 */

/** Click the trace row named `name`, then (if given) the first waterfall row naming `span`; true once selected. */
export function selectSpan(arg: { trace: string; span?: string }): boolean {
  const row = [...document.querySelectorAll<HTMLElement>(".trace-row")].find((r) => r.querySelector(".trace-name")?.textContent === arg.trace);
  if (!row) return false;
  if (!row.classList.contains("is-selected")) {
    row.click();
    return false;
  }
  if (arg.span === undefined) return document.querySelector(".dt-title")?.textContent === arg.trace;
  const span = [...document.querySelectorAll<HTMLElement>(".wf-row")].find((r) => r.textContent?.includes(arg.span!));
  if (!span) return false;
  if (!span.classList.contains("is-selected")) {
    span.click();
    return false;
  }
  (document.activeElement as HTMLElement | null)?.blur();
  return document.querySelector(".review-bar") !== null;
}

/** What the review bar and the trace rows show. */
export function reviewFacts(): {
  up: boolean; down: boolean; score: string; labels: string[]; note: string; options: string[];
  rows: { name: string; mark?: string; title?: string }[];
} {
  const bar = document.querySelector(".review-bar");
  return {
    up: bar?.querySelector('[aria-label="Thumbs up"]')?.getAttribute("aria-pressed") === "true",
    down: bar?.querySelector('[aria-label="Thumbs down"]')?.getAttribute("aria-pressed") === "true",
    score: bar?.querySelector<HTMLInputElement>(".review-score")?.value ?? "",
    labels: [...(bar?.querySelectorAll(".review-label > span") ?? [])].map((e) => e.textContent ?? ""),
    note: bar?.querySelector<HTMLTextAreaElement>(".review-note")?.value ?? "",
    options: [...(bar?.querySelectorAll("datalist option") ?? [])].map((o) => o.getAttribute("value") ?? ""),
    rows: [...document.querySelectorAll(".trace-row")].map((r) => {
      const mark = r.querySelector(".badge-review");
      return { name: r.querySelector(".trace-name")?.textContent ?? "", ...(mark ? { mark: mark.className, title: mark.getAttribute("title") ?? "" } : {}) };
    }),
  };
}

/** Type into the filter as a person does (each change is an input event). */
export function setFilter(query: string): void {
  const filter = document.querySelector<HTMLInputElement>('input[aria-label="Filter"]')!;
  filter.value = query;
  filter.dispatchEvent(new Event("input", { bubbles: true }));
}

/**
 * Files the panel hands the browser to download, kept as text: the Firefox driven here has no
 * download UI to catch them from. Only the last step (the anchor's click) is replaced.
 */
export function catchDownloads(): void {
  const w = window as unknown as { __downloads?: { name: string; text: Promise<string> }[] };
  w.__downloads = [];
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    if (this.download) w.__downloads!.push({ name: this.download, text: fetch(this.href).then((r) => r.text()) });
  };
}

/** Export the panel's traces (all of them) as the menu item matching `item`; the file's text. */
export async function exportAll(item: string): Promise<{ name: string; text: string } | undefined> {
  const w = window as unknown as { __downloads: { name: string; text: Promise<string> }[] };
  const before = w.__downloads.length;
  document.querySelector<HTMLElement>('button[aria-label="Export"]')!.click();
  await new Promise((r) => setTimeout(r, 50));
  const all = [...document.querySelectorAll<HTMLInputElement>('.menu input[type="radio"]')].find((i) => i.parentElement?.textContent?.includes("All ("));
  all?.click();
  const menuItem = [...document.querySelectorAll<HTMLElement>('[role="menuitem"]')].find((m) => m.textContent?.includes(item));
  menuItem?.click();
  for (let i = 0; i < 100 && w.__downloads.length === before; i++) await new Promise((r) => setTimeout(r, 50));
  const file = w.__downloads[before];
  return file && { name: file.name, text: await file.text };
}
