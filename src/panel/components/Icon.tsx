/**
 * The panel's icons as inline SVG in the text colour: a glyph such as 🗑 or ⧉ needs a font that
 * has it, and without one (many Linux desktops, CI) it is an empty box.
 */
import type { JSX } from "preact";

export type IconName = "clear" | "settings" | "open-window" | "remove" | "thumbs-up" | "thumbs-down";

/** A thumb raised; "thumbs-down" is the same turned over. */
const THUMB = (
  <>
    <path d="M2.5 7.2h2.4v6.3H2.5z" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linejoin="round" />
    <path d="M4.9 7.2 7.4 2.6c1 0 1.7.8 1.5 1.8l-.4 2.1h3.8c.8 0 1.4.7 1.2 1.5l-.9 4.4c-.1.6-.7 1.1-1.3 1.1H4.9" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linejoin="round" />
  </>
);

const STROKE = { fill: "none", stroke: "currentColor", "stroke-width": "1.4", "stroke-linecap": "round", "stroke-linejoin": "round" } as const;

const SHAPES: Record<IconName, JSX.Element> = {
  // DevTools' "clear": a circle struck through.
  clear: (
    <>
      <circle cx="8" cy="8" r="5.6" {...STROKE} />
      <path d="M4.1 11.9 11.9 4.1" {...STROKE} />
    </>
  ),
  settings: (
    <>
      <path d="M13.10 6.23 L14.84 6.50 L14.84 9.50 L13.10 9.77 L12.86 10.36 L13.90 11.77 L11.77 13.90 L10.36 12.86 L9.77 13.10 L9.50 14.84 L6.50 14.84 L6.23 13.10 L5.64 12.86 L4.23 13.90 L2.10 11.77 L3.14 10.36 L2.90 9.77 L1.16 9.50 L1.16 6.50 L2.90 6.23 L3.14 5.64 L2.10 4.23 L4.23 2.10 L5.64 3.14 L6.23 2.90 L6.50 1.16 L9.50 1.16 L9.77 2.90 L10.36 3.14 L11.77 2.10 L13.90 4.23 L12.86 5.64Z" {...STROKE} stroke-width="1.2" />
      <circle cx="8" cy="8" r="2.2" {...STROKE} stroke-width="1.2" />
    </>
  ),
  "open-window": (
    <>
      <path d="M7 3H3.5a1 1 0 0 0-1 1v8.5a1 1 0 0 0 1 1H12a1 1 0 0 0 1-1V9" {...STROKE} />
      <path d="M9.5 2.5h4v4M13.5 2.5 7.5 8.5" {...STROKE} />
    </>
  ),
  "thumbs-up": THUMB,
  "thumbs-down": <g transform="rotate(180 8 8)">{THUMB}</g>,
  remove: (
    <>
      <path d="M2.5 4.5h11M6.3 4.5V2.8h3.4v1.7M4 4.5l.8 9h6.4l.8-9" {...STROKE} />
      <path d="M6.8 7v4.2M9.2 7v4.2" {...STROKE} />
    </>
  ),
};

/** Decorative: the button around it carries the accessible name. */
export function Icon({ name }: { name: IconName }) {
  return (
    <svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      {SHAPES[name]}
    </svg>
  );
}
