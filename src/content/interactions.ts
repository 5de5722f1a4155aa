/**
 * What starts LLM work: user interactions (click, submit, Enter in a text field) and the app's
 * explicit performance marks. Observed from the relay's isolated world: DOM events and the
 * performance timeline are the document's own, shared by every world, and a listener here is
 * out of the page's reach (its scripts cannot patch what this world calls). Listeners are
 * passive and in the capture phase, read nothing a user typed, and record only real (trusted)
 * user events.
 */
import type { InteractionEvent, MarkEvent } from "../core/contract";
import { newEventId } from "./ids";

const CLICKABLE = "button, a[href], [role=button], [role=menuitem], [role=tab], input[type=submit], input[type=button], summary, label";
const MAX_LABEL = 40;
/** Element ids and names are the page's: long ones are cut (the background bounds what it takes). */
const MAX_NAME = 100;

const clock = (): number => performance.timeOrigin + performance.now();
const short = (v: string | null): string | null => (v !== null && v.length > MAX_NAME ? v.slice(0, MAX_NAME) : v);

/** `button "Send"`, `a "Docs"`, `form#chat`, `textarea#prompt`: short, recognisable, no user input. */
export function describeTarget(el: Element): string {
  const tag = el.tagName.toLowerCase();
  const id = short(el.getAttribute("id"));
  const name = short(el.getAttribute("name"));
  const aria = el.getAttribute("aria-label");
  if (tag === "form" || tag === "textarea" || tag === "input" || tag === "select") {
    return `${tag}${id ? `#${id}` : name ? `[name=${name}]` : aria ? ` "${aria.slice(0, MAX_LABEL)}"` : ""}`;
  }
  const label = aria ?? (tag === "input" ? el.getAttribute("value") : el.textContent);
  const text = (label ?? "").slice(0, 4 * MAX_LABEL).replace(/\s+/g, " ").trim();
  if (text) return `${tag} "${text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text}"`;
  return `${tag}${id ? `#${id}` : ""}`;
}

function interaction(event: Event): InteractionEvent | undefined {
  if (!event.isTrusted || !(event.target instanceof Element)) return undefined;
  const target = event.target;
  let element: Element | null = target;
  let action: InteractionEvent["action"] = "click";
  if (event.type === "submit") {
    action = "submit";
  } else if (event.type === "keydown") {
    // Enter sends in a text field; Shift+Enter is a new line in a textarea.
    const key = event as KeyboardEvent;
    const tag = target.tagName.toLowerCase();
    if (key.key !== "Enter" || key.isComposing || key.shiftKey) return undefined;
    if (tag !== "input" && tag !== "textarea" && target.getAttribute("contenteditable") === null) return undefined;
    action = "keydown";
  } else {
    element = target.closest(CLICKABLE);
    if (!element) return undefined;
  }
  return { t: "interaction", id: newEventId(), time: clock(), action, target: describeTarget(element), pageUrl: location.href };
}

/** Plain data of the app's mark detail: primitive attribute values only, bounded as the background expects. */
function readDetail(detail: unknown): Pick<MarkEvent, "name" | "attributes"> {
  if (typeof detail !== "object" || detail === null) return {};
  const { name, attributes: raw } = detail as { name?: unknown; attributes?: unknown };
  const attributes: Record<string, string | number | boolean> = {};
  let count = 0;
  if (typeof raw === "object" && raw !== null) {
    for (const [key, v] of Object.entries(raw).slice(0, 32)) {
      // NaN and Infinity would reach the background as null (runtime messages are JSON).
      if (typeof v === "string" || (typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean") {
        attributes[key.slice(0, 1000)] = typeof v === "string" ? v.slice(0, 1000) : v;
        count++;
      }
    }
  }
  return { ...(typeof name === "string" ? { name: name.slice(0, 200) } : {}), ...(count ? { attributes } : {}) };
}

/** Calls `emit` with each interaction and llm-trace mark of this frame's document. */
export function watchInteractions(emit: (event: InteractionEvent | MarkEvent) => void): void {
  const listener = (event: Event) => {
    try {
      const found = interaction(event);
      if (found) emit(found);
    } catch {
      // never disturb the page's event dispatch
    }
  };
  for (const type of ["click", "submit", "keydown"]) window.addEventListener(type, listener, { capture: true, passive: true });
  if (typeof PerformanceObserver !== "function") return;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.name !== "llm-trace:start" && entry.name !== "llm-trace:end") continue;
      try {
        emit({
          t: "mark", id: newEventId(), time: performance.timeOrigin + entry.startTime, phase: entry.name === "llm-trace:start" ? "start" : "end",
          ...readDetail((entry as PerformanceMark).detail), pageUrl: location.href,
        });
      } catch {
        // a detail that cannot be read is left out
      }
    }
  }).observe({ type: "mark", buffered: true });
}
