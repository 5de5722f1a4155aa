/**
 * Content rendered only once it comes near the visible part of its scrolling pane: a long
 * answer's later pieces and a long conversation's later messages cost nothing until the user
 * scrolls towards them. Until then a placeholder of the estimated height keeps the scrollbar
 * honest. Once shown, content stays (scrolling back is free).
 */
import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef, useState } from "preact/hooks";

/** How far outside the pane content is prepared, so scrolling rarely shows a placeholder. */
const MARGIN = "1200px 0px";

export function Lazy({ estimate, children, eager = false }: { estimate: number; children: () => ComponentChildren; eager?: boolean }) {
  const [shown, setShown] = useState(eager);
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (shown || !ref.current) return;
    const el = ref.current;
    if (typeof IntersectionObserver === "undefined") return setShown(true);
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer.disconnect();
        setShown(true);
      }
    }, { root: el.closest(".dt-panel"), rootMargin: MARGIN });
    observer.observe(el);
    return () => observer.disconnect();
  }, [shown]);
  if (shown) return <>{children()}</>;
  return <div ref={ref} class="dt-lazy" style={{ height: `${Math.max(16, Math.round(estimate))}px` }} aria-busy="true" />;
}
