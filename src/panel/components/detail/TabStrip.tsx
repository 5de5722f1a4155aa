/**
 * A DevTools-style tab strip with the WAI-ARIA tabs pattern: one tab in the Tab order, arrow
 * keys (and Home/End) move between tabs and select them, as in DevTools' own panes.
 */
import { useLayoutEffect, useRef } from "preact/hooks";
import type { TabId } from "../../detail-model/tabs";
import { TAB_LABELS } from "../../detail-model/tabs";

export const tabDomId = (id: TabId) => `span-detail-tab-${id}`;
export const panelDomId = (id: TabId) => `span-detail-panel-${id}`;

export function TabStrip({ tabs, active, onSelect }: { tabs: readonly TabId[]; active: TabId; onSelect(id: TabId): void }) {
  const list = useRef<HTMLDivElement>(null);
  // Keep the active tab in view when a narrow strip scrolls, without scrolling anything else.
  useLayoutEffect(() => {
    const strip = list.current;
    const tab = strip?.querySelector<HTMLElement>(`#${tabDomId(active)}`);
    if (!strip || !tab) return;
    if (tab.offsetLeft < strip.scrollLeft) strip.scrollLeft = tab.offsetLeft;
    else if (tab.offsetLeft + tab.offsetWidth > strip.scrollLeft + strip.clientWidth) strip.scrollLeft = tab.offsetLeft + tab.offsetWidth - strip.clientWidth;
  }, [active]);
  const move = (to: number) => {
    const id = tabs[(to + tabs.length) % tabs.length]!;
    onSelect(id);
    list.current?.querySelector<HTMLElement>(`#${tabDomId(id)}`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const at = tabs.indexOf(active);
    const key = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (key === undefined) return;
    e.preventDefault();
    move(key);
  };
  return (
    <div class="dt-tabs" role="tablist" aria-label="Span detail" ref={list} onKeyDown={onKeyDown}>
      {tabs.map((id) => (
        <button
          type="button"
          role="tab"
          id={tabDomId(id)}
          key={id}
          aria-selected={id === active}
          aria-controls={panelDomId(id)}
          tabIndex={id === active ? 0 : -1}
          class={id === active ? "is-active" : ""}
          onClick={() => onSelect(id)}
        >
          {TAB_LABELS[id]}
        </button>
      ))}
    </div>
  );
}
