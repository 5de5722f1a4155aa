/**
 * What starts LLM work: user interactions (click, submit, Enter in a text field) and the app's
 * explicit performance marks. Listeners are passive and in the capture phase, read nothing a
 * user typed, and record only real (trusted) user events.
 */
import type { Channel } from "./channel";
import { clock } from "./body";
import { newExchangeId } from "./ids";
import { addListener, dict, eventType, getter, nativeMethod, objectKeys, pageUrl, stringSlice, timeOrigin, toLowerCase } from "./natives";

const eventTarget = getter<EventTarget | null>(Event.prototype, "target");
const keyOf = getter<string>(KeyboardEvent.prototype, "key");
const isComposing = getter<boolean>(KeyboardEvent.prototype, "isComposing");
const shiftKey = getter<boolean>(KeyboardEvent.prototype, "shiftKey");
const closest = nativeMethod<(selector: string) => Element | null>(Element.prototype, "closest");
const tagName = getter<string>(Element.prototype, "tagName");
const getAttribute = nativeMethod<(name: string) => string | null>(Element.prototype, "getAttribute");
const textContent = getter<string | null>(Node.prototype, "textContent");
const PerformanceObserverNative = typeof PerformanceObserver === "function" ? PerformanceObserver : undefined;
const observeEntries = PerformanceObserverNative ? nativeMethod<(options: PerformanceObserverInit) => void>(PerformanceObserver.prototype, "observe") : undefined;
const getEntries = nativeMethod<() => PerformanceEntryList>(PerformanceObserverEntryList.prototype, "getEntries");
const entryName = getter<string>(PerformanceEntry.prototype, "name");
const entryStart = getter<number>(PerformanceEntry.prototype, "startTime");
const markDetail = getter<unknown>(PerformanceMark.prototype, "detail");
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const isElement = (v: unknown): v is Element => {
  if (typeof v !== "object" || v === null) return false;
  try {
    tagName(v);
    return true;
  } catch {
    return false;
  }
};

const CLICKABLE = "button, a[href], [role=button], [role=menuitem], [role=tab], input[type=submit], input[type=button], summary, label";
const MAX_LABEL = 40;
const LISTEN = dict({ capture: true, passive: true });

/** Runs of whitespace as one space, trimmed, at most `max` characters read. */
function squash(text: string, max: number): string {
  let out = "";
  let space = false;
  for (let i = 0; i < text.length && out.length <= max; i++) {
    const c = text[i]!;
    if (c <= " ") {
      space = out !== "";
    } else {
      if (space) out += " ";
      space = false;
      out += c;
    }
  }
  return out;
}

const MAX_NAME = 100;
const short = (v: string | null): string | null => (v !== null && v.length > MAX_NAME ? stringSlice(v, 0, MAX_NAME) : v);

/** `button "Send"`, `a "Docs"`, `form#chat`, `textarea#prompt`: short, recognisable, no user input. */
export function describeTarget(el: Element): string {
  const tag = toLowerCase(tagName(el));
  const id = short(getAttribute(el, "id"));
  const name = short(getAttribute(el, "name"));
  const aria = getAttribute(el, "aria-label");
  if (tag === "form" || tag === "textarea" || tag === "input" || tag === "select") {
    return `${tag}${id ? `#${id}` : name ? `[name=${name}]` : aria ? ` "${stringSlice(aria, 0, MAX_LABEL)}"` : ""}`;
  }
  const label = aria ?? (tag === "input" ? getAttribute(el, "value") : textContent(el));
  const text = squash(label ?? "", MAX_LABEL);
  if (text) return `${tag} "${text.length > MAX_LABEL ? `${stringSlice(text, 0, MAX_LABEL - 1)}…` : text}"`;
  return `${tag}${id ? `#${id}` : ""}`;
}

function onUserEvent(channel: Channel, event: Event): void {
  try {
    // isTrusted is an unforgeable own property of each event (not on the prototype).
    if (!channel.config.enabled || !event.isTrusted) return;
    const type = eventType(event);
    const target = eventTarget(event);
    if (!isElement(target)) return;
    let element: Element | null = target;
    let action: "click" | "submit" | "keydown" = "click";
    if (type === "submit") {
      action = "submit";
    } else if (type === "keydown") {
      // Enter sends in a text field; Shift+Enter is a new line in a textarea.
      const tag = toLowerCase(tagName(target));
      const key = event as KeyboardEvent;
      if (keyOf(key) !== "Enter" || isComposing(key) || shiftKey(key)) return;
      if (tag !== "input" && tag !== "textarea" && getAttribute(target, "contenteditable") === null) return;
      action = "keydown";
    } else {
      element = closest(target, CLICKABLE);
      if (!element) return;
    }
    channel.emit({ t: "interaction", id: newExchangeId(), time: clock(), action, target: describeTarget(element), pageUrl: pageUrl() });
  } catch {
    // never throw into the page's event dispatch
  }
}

/** Plain data of the app's mark detail: only data properties, only primitive attribute values. */
function readDetail(detail: unknown): { name?: string; attributes?: Record<string, string | number | boolean> } {
  if (typeof detail !== "object" || detail === null) return {};
  const value = (obj: object, key: string) => {
    const d = getOwnDescriptor(obj, key);
    return d && "value" in d ? d.value : undefined;
  };
  const name = value(detail, "name");
  const raw = value(detail, "attributes");
  const attributes: Record<string, string | number | boolean> = {};
  let count = 0;
  if (typeof raw === "object" && raw !== null) {
    const keys = objectKeys(raw);
    for (let i = 0; i < keys.length && i < 32; i++) {
      const key = keys[i]!;
      const v = value(raw, key);
      // NaN and Infinity would reach the background as null (runtime messages are JSON).
      if (typeof v === "string" || (typeof v === "number" && v - v === 0) || typeof v === "boolean") {
        attributes[key.length > 1000 ? stringSlice(key, 0, 1000) : key] = typeof v === "string" ? stringSlice(v, 0, 1000) : v;
        count++;
      }
    }
  }
  return { ...(typeof name === "string" ? { name: stringSlice(name, 0, 200) } : {}), ...(count ? { attributes } : {}) };
}

function observeMarks(channel: Channel): void {
  if (!PerformanceObserverNative || !observeEntries) return;
  const observer = new PerformanceObserverNative((list) => {
    try {
      if (!channel.config.enabled) return;
      const entries = getEntries(list);
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        const name = entryName(entry);
        if (name !== "llm-trace:start" && name !== "llm-trace:end") continue;
        channel.emit({
          t: "mark", id: newExchangeId(), time: timeOrigin + entryStart(entry), phase: name === "llm-trace:start" ? "start" : "end",
          ...readDetail(markDetail(entry)), pageUrl: pageUrl(),
        });
      }
    } catch {
      // best effort
    }
  });
  observeEntries(observer, dict({ type: "mark", buffered: true }) as PerformanceObserverInit);
}

export function hookInteractions(win: Window, channel: Channel): void {
  const listener = (event: Event) => onUserEvent(channel, event);
  const types = ["click", "submit", "keydown"];
  for (let i = 0; i < types.length; i++) addListener(win, types[i]!, listener, LISTEN);
  observeMarks(channel);
}
