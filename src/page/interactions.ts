/**
 * What starts LLM work: user interactions (click, submit, Enter in a text field) and the app's
 * explicit performance marks. Listeners are passive and in the capture phase, read nothing a
 * user typed, and record only real (trusted) user events.
 */
import type { Channel } from "./channel";
import { clock } from "./body";
import { newExchangeId } from "./ids";
import { apply, getter, uncurry } from "./patch";

const addListener = EventTarget.prototype.addEventListener;
const eventTarget = getter<EventTarget | null>(Event.prototype, "target");
const eventType = getter<string>(Event.prototype, "type");
const keyOf = getter<string>(KeyboardEvent.prototype, "key");
const isComposing = getter<boolean>(KeyboardEvent.prototype, "isComposing");
const closest = uncurry(Element.prototype.closest);
const tagName = getter<string>(Element.prototype, "tagName");
const getAttribute = uncurry(Element.prototype.getAttribute);
const textContent = getter<string | null>(Node.prototype, "textContent");
const ElementNative = Element;
const PerformanceObserverNative = typeof PerformanceObserver === "function" ? PerformanceObserver : undefined;
const entryName = getter<string>(PerformanceEntry.prototype, "name");
const entryStart = getter<number>(PerformanceEntry.prototype, "startTime");
const markDetail = getter<unknown>(PerformanceMark.prototype, "detail");
const timeOrigin = performance.timeOrigin;
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const objectKeys = Object.keys;
const locationHref = () => location.href;

const CLICKABLE = "button, a[href], [role=button], [role=menuitem], [role=tab], input[type=submit], input[type=button], summary, label";
const MAX_LABEL = 40;

/** `button "Send"`, `a "Docs"`, `form#chat`, `textarea#prompt`: short, recognisable, no user input. */
export function describeTarget(el: Element): string {
  const tag = tagName(el).toLowerCase();
  const id = getAttribute(el, "id");
  const name = getAttribute(el, "name");
  const aria = getAttribute(el, "aria-label");
  if (tag === "form" || tag === "textarea" || tag === "input" || tag === "select") {
    return `${tag}${id ? `#${id}` : name ? `[name=${name}]` : aria ? ` "${aria.slice(0, MAX_LABEL)}"` : ""}`;
  }
  const label = aria ?? (tag === "input" ? getAttribute(el, "value") : textContent(el));
  const text = (label ?? "").replace(/\s+/g, " ").trim();
  if (text) return `${tag} "${text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text}"`;
  return `${tag}${id ? `#${id}` : ""}`;
}

function onUserEvent(channel: Channel, event: Event): void {
  try {
    // isTrusted is an unforgeable own property of each event (not on the prototype).
    if (!channel.config.enabled || !event.isTrusted) return;
    const type = eventType(event);
    const target = eventTarget(event);
    if (!(target instanceof ElementNative)) return;
    let element: Element | null = target;
    let action: "click" | "submit" | "keydown" = "click";
    if (type === "submit") {
      action = "submit";
    } else if (type === "keydown") {
      // Enter sends in a text field; Shift+Enter is a new line in a textarea.
      const tag = tagName(target).toLowerCase();
      if (keyOf(event as KeyboardEvent) !== "Enter" || isComposing(event as KeyboardEvent) || (event as KeyboardEvent).shiftKey) return;
      if (tag !== "input" && tag !== "textarea" && getAttribute(target, "contenteditable") === null) return;
      action = "keydown";
    } else {
      element = closest(target, CLICKABLE);
      if (!element) return;
    }
    channel.emit({ t: "interaction", id: newExchangeId(), time: clock(), action, target: describeTarget(element), pageUrl: locationHref() });
  } catch {
    // never throw into the page's event dispatch
  }
}

/** Plain data of the app's mark detail: only data properties, only primitive attribute values. */
function readDetail(detail: unknown): { name?: string; attributes?: Record<string, string | number | boolean> } {
  if (typeof detail !== "object" || detail === null) return {};
  const value = (key: string) => {
    const d = getOwnDescriptor(detail, key);
    return d && "value" in d ? d.value : undefined;
  };
  const name = value("name");
  const raw = value("attributes");
  const attributes: Record<string, string | number | boolean> = {};
  if (typeof raw === "object" && raw !== null) {
    for (const key of objectKeys(raw).slice(0, 32)) {
      const d = getOwnDescriptor(raw, key);
      const v = d && "value" in d ? d.value : undefined;
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") attributes[key] = typeof v === "string" ? v.slice(0, 1000) : v;
    }
  }
  return { ...(typeof name === "string" ? { name: name.slice(0, 200) } : {}), ...(objectKeys(attributes).length ? { attributes } : {}) };
}

function observeMarks(channel: Channel): void {
  if (!PerformanceObserverNative) return;
  const observer = new PerformanceObserverNative((list) => {
    try {
      if (!channel.config.enabled) return;
      for (const entry of list.getEntries()) {
        const name = entryName(entry);
        if (name !== "llm-trace:start" && name !== "llm-trace:end") continue;
        channel.emit({
          t: "mark", id: newExchangeId(), time: timeOrigin + entryStart(entry), phase: name === "llm-trace:start" ? "start" : "end",
          ...readDetail(markDetail(entry)), pageUrl: locationHref(),
        });
      }
    } catch {
      // best effort
    }
  });
  observer.observe({ type: "mark", buffered: true });
}

export function hookInteractions(win: Window, channel: Channel): void {
  const listener = (event: Event) => onUserEvent(channel, event);
  for (const type of ["click", "submit", "keydown"]) apply(addListener, win, [type, listener, { capture: true, passive: true }]);
  observeMarks(channel);
}
