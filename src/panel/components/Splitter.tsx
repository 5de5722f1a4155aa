/** A draggable divider between two panes; reports the new size of the first pane in px. */
export function Splitter({ vertical, onResize, label }: { vertical: boolean; onResize(px: number): void; label: string }) {
  function onPointerDown(event: PointerEvent): void {
    const handle = event.currentTarget as HTMLElement;
    const pane = handle.previousElementSibling as HTMLElement | null;
    if (!pane) return;
    event.preventDefault();
    const start = vertical ? event.clientX : event.clientY;
    const initial = vertical ? pane.getBoundingClientRect().width : pane.getBoundingClientRect().height;
    handle.setPointerCapture(event.pointerId);
    const move = (e: PointerEvent) => onResize(Math.max(120, initial + (vertical ? e.clientX : e.clientY) - start));
    const up = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
  }
  function onKeyDown(event: KeyboardEvent): void {
    const pane = (event.currentTarget as HTMLElement).previousElementSibling as HTMLElement | null;
    if (!pane) return;
    const size = vertical ? pane.getBoundingClientRect().width : pane.getBoundingClientRect().height;
    const delta = { ArrowLeft: -20, ArrowUp: -20, ArrowRight: 20, ArrowDown: 20 }[event.key];
    if (delta === undefined) return;
    event.preventDefault();
    onResize(Math.max(120, size + delta));
  }
  return (
    <div class={`splitter ${vertical ? "splitter-v" : "splitter-h"}`} role="separator" aria-orientation={vertical ? "vertical" : "horizontal"}
      aria-label={label} tabIndex={0} onPointerDown={onPointerDown} onKeyDown={onKeyDown} />
  );
}
