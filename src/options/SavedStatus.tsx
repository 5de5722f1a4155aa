/**
 * "Saved", shown beside the control that saved (not in the page's title, scrolled out of view),
 * in one polite live region so a screen reader hears it too. It fades after a moment.
 */
import { useEffect, useState } from "preact/hooks";
import type { SettingsStore } from "./store";

const SHOWN_MS = 2500;
/** Room the status needs to the right of a control; else it goes under the control's right end. */
const WIDTH = 64;

export function SavedStatus({ store }: { store: SettingsStore }) {
  const saved = store.lastSave.value;
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!saved) return;
    setVisible(true);
    const timer = setTimeout(() => setVisible(false), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [saved]);
  let style: Record<string, string> = { top: "8px", right: "8px", position: "fixed" };
  const control = saved?.control;
  if (control?.isConnected) {
    // A checkbox's words are in its label: the status goes after them, not over them.
    const label = control.closest("label");
    let r = control.getBoundingClientRect();
    if (label) {
      const range = document.createRange();
      range.selectNodeContents(label);
      r = range.getBoundingClientRect();
    }
    const beside = r.right + 8 + WIDTH <= document.documentElement.clientWidth;
    style = beside
      ? { position: "absolute", left: `${r.right + 8 + window.scrollX}px`, top: `${r.top + window.scrollY + r.height / 2 - 9}px` }
      : { position: "absolute", left: `${Math.max(0, r.right - WIDTH) + window.scrollX}px`, top: `${r.bottom + window.scrollY + 2}px` };
  }
  return (
    <span class={`saved-status ${visible ? "is-visible" : ""}`} role="status" aria-live="polite" style={style}>
      {visible ? "Saved" : ""}
    </span>
  );
}
