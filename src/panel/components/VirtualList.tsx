/**
 * A list that renders only the rows in view (plus a small buffer), at a fixed row height, so
 * ten thousand rows cost what thirty do. Rows are absolutely placed inside a spacer of the
 * full height; the container keeps native scrolling.
 */
import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef, useState } from "preact/hooks";

const BUFFER_ROWS = 8;

export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  renderRow(item: T, index: number, style: Record<string, string>): ComponentChildren;
  /** Index to keep in view (the selected row). */
  scrollToIndex?: number;
  class?: string;
  role?: "listbox" | "tree";
  label?: string;
  onKeyDown?(event: KeyboardEvent): void;
  activeId?: string;
}

export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight, scrollToIndex } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight });
    update();
    const observer = new ResizeObserver(update);
    observer.observe(el);
    el.addEventListener("scroll", update, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener("scroll", update);
    };
  }, []);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || scrollToIndex === undefined || scrollToIndex < 0) return;
    const top = scrollToIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  }, [scrollToIndex, rowHeight]);

  const first = Math.max(0, Math.floor(view.top / rowHeight) - BUFFER_ROWS);
  const last = Math.min(items.length, Math.ceil((view.top + view.height) / rowHeight) + BUFFER_ROWS);
  const rows: ComponentChildren[] = [];
  for (let i = first; i < last; i++) {
    rows.push(props.renderRow(items[i]!, i, { position: "absolute", top: `${i * rowHeight}px`, height: `${rowHeight}px`, left: "0", right: "0" }));
  }
  return (
    <div ref={ref} class={`virtual-list ${props.class ?? ""}`} role={props.role} aria-label={props.label} tabIndex={0}
      onKeyDown={props.onKeyDown} aria-activedescendant={props.activeId}>
      <div class="virtual-spacer" style={{ height: `${items.length * rowHeight}px` }}>{rows}</div>
    </div>
  );
}
