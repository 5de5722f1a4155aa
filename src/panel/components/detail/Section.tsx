/** A titled, collapsible block of a tab, like the sections of DevTools' Headers view. */
import type { ComponentChildren } from "preact";

export function Section({ title, aside, children, open = true }: { title: string; aside?: ComponentChildren; children: ComponentChildren; open?: boolean }) {
  return (
    <details class="dt-section" open={open}>
      <summary>
        <span class="dt-section-title">{title}</span>
        {aside !== undefined && <span class="dt-section-aside">{aside}</span>}
      </summary>
      <div class="dt-section-body">{children}</div>
    </details>
  );
}

/** Label / value rows; values are data (monospace) unless `plain`; `sub` rows are part of the row above. */
export type KeyValueRow = [label: string, value: ComponentChildren, plain?: boolean, sub?: boolean];

export function KeyValues({ rows }: { rows: (KeyValueRow | false | undefined)[] }) {
  return (
    <dl class="dt-kv">
      {rows.map((row, i) =>
        row ? (
          <div class={`dt-kv-row ${row[3] ? "dt-kv-sub" : ""}`} key={i}>
            <dt>{row[0]}</dt>
            <dd class={row[2] ? "" : "dt-mono"}>{row[1]}</dd>
          </div>
        ) : null,
      )}
    </dl>
  );
}

/** A note about missing or partial data: says why, never hides it. */
export function Note({ children, tone = "muted" }: { children: ComponentChildren; tone?: "muted" | "warn" | "error" }) {
  return <p class={`dt-note dt-note-${tone}`}>{children}</p>;
}
