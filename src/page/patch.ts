/**
 * Replacing page globals without the page being able to tell.
 *
 * Wrappers are Proxies around the originals, so name, length, own properties, prototype and
 * (non-)constructibility are the native ones. What a Proxy changes: Function.prototype.toString,
 * wrapped once to answer for the original; and, in Firefox, the `caller` and `arguments`
 * accessors, which refuse a Proxy with a message of their own (see withNativeAccessors).
 * Handlers have no prototype: a trap the handler lacks would otherwise be looked up on
 * Object.prototype, where a page could have put one.
 */
import { ProxyNative, apply, construct, createObject, defineProperty, ownerOf, safeWeakMap } from "./natives";

const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const reflectGet = Reflect.get;
const originals = safeWeakMap<object, object>();

const functionProto = Function.prototype;
/** The browser's own `caller` and `arguments` accessors of Function.prototype, as they were at start. */
const CALLER = getOwnDescriptor(functionProto, "caller")?.get;
const ARGUMENTS = getOwnDescriptor(functionProto, "arguments")?.get;

/**
 * A `get` trap that reads `caller` and `arguments` as the page would read them on the native:
 * the browser's accessor with the original as `this` (Firefox's refuses a Proxy with its own
 * message). Only while the accessor is still the browser's and the read is of the wrapper
 * itself: a getter the page put there sees the wrapper, as it would see the native, never the
 * original. Every other read is the Proxy's default.
 */
function withNativeAccessors<T extends object>(handler: ProxyHandler<T>, proxy: T): void {
  handler.get = ((target: T, key: PropertyKey, receiver: unknown) => {
    if ((key === "caller" || key === "arguments") && receiver === proxy) {
      const owner = ownerOf(target, key);
      const getter = owner ? getOwnDescriptor(owner, key)?.get : undefined;
      if (getter !== undefined && getter === (key === "caller" ? CALLER : ARGUMENTS)) return apply(getter, target, []);
    }
    return reflectGet(target, key, receiver);
  }) as ProxyHandler<T>["get"];
}

function wrap<T extends object>(original: T, trap: (target: T, self: unknown, args: unknown[]) => unknown): T {
  const handler = createObject(null) as ProxyHandler<T>;
  handler.apply = trap as ProxyHandler<T>["apply"];
  const proxy = new ProxyNative(original, handler);
  withNativeAccessors(handler, proxy);
  originals.set(proxy, original);
  return proxy;
}

/** `{...desc, [key]: value}` without spreading (a spread would be fine, but this is explicit). */
function withValue(desc: PropertyDescriptor, key: "value" | "get", value: unknown): PropertyDescriptor {
  const out = createObject(null) as PropertyDescriptor;
  out.configurable = desc.configurable;
  out.enumerable = desc.enumerable;
  if (key === "value") {
    out.writable = desc.writable;
    out.value = value;
  } else {
    out.get = value as () => unknown;
    out.set = desc.set;
  }
  return out;
}

/**
 * Replace a method (or a function-valued global) on `owner` with `replacement(original, self,
 * args)`. Keeps the property's flags. Returns false (and changes nothing) when the property is
 * missing or locked, e.g. frozen by another script.
 */
export function patchMethod<F extends (...args: never[]) => unknown>(
  owner: object,
  name: string,
  replacement: (original: F, self: unknown, args: Parameters<F>) => ReturnType<F>,
): boolean {
  const desc = getOwnDescriptor(owner, name);
  const original = desc?.value as F | undefined;
  if (!desc || typeof original !== "function" || (!desc.configurable && !desc.writable)) return false;
  const proxy = wrap(original, (target, self, args) => replacement(target, self, args as Parameters<F>));
  try {
    defineProperty(owner, name, withValue(desc, "value", proxy));
    return true;
  } catch {
    return false;
  }
}

/** Replace an accessor's getter on `owner` (a prototype) the same way. */
export function patchGetter<T>(owner: object, name: string, replacement: (original: () => T, self: unknown) => T): boolean {
  const desc = getOwnDescriptor(owner, name);
  const original = desc?.get as (() => T) | undefined;
  if (!desc || !original || !desc.configurable) return false;
  const proxy = wrap(original, (target, self) => replacement(target, self));
  try {
    defineProperty(owner, name, withValue(desc, "get", proxy));
    return true;
  } catch {
    return false;
  }
}

let toStringMasked = false;

/** Make Function.prototype.toString describe our proxies as the natives they wrap. */
export function maskToString(): void {
  if (toStringMasked) return;
  toStringMasked = true;
  patchMethod<() => string>(Function.prototype, "toString", (original, self, args) =>
    apply(original, (typeof self === "function" ? originals.get(self) : undefined) ?? self, args) as string,
  );
}

/**
 * Replace the constructor `name` on `owner` (a global class) with one whose instances
 * `construct(original, args, newTarget)` makes: a Proxy with only a construct trap, so
 * calling it without `new`, its statics, its prototype and `instanceof` are the native ones.
 * The prototype's `constructor` is pointed at the replacement, so `ws.constructor === WebSocket`
 * stays true. Returns false (and changes nothing) when the global is missing or locked.
 */
export function patchConstructor<C extends abstract new (...args: never[]) => object>(
  owner: object,
  name: string,
  construct: (original: C, args: unknown[], newTarget: object) => object,
): boolean {
  const desc = getOwnDescriptor(owner, name);
  const original = desc?.value as C | undefined;
  if (!desc || typeof original !== "function" || (!desc.configurable && !desc.writable)) return false;
  const proto = (original as unknown as { prototype: object }).prototype;
  const ctorDesc = getOwnDescriptor(proto, "constructor");
  if (!ctorDesc || ctorDesc.value !== original || !ctorDesc.configurable) return false;
  const handler = createObject(null) as ProxyHandler<C>;
  // newTarget is the proxy for `new WebSocket()`: the instance's prototype is read from it, and
  // the proxy forwards that read to the original, so instances are made exactly as natively.
  handler.construct = ((target: C, args: unknown[], newTarget: object) => construct(target, args, newTarget)) as ProxyHandler<C>["construct"];
  const proxy = new ProxyNative(original, handler);
  withNativeAccessors(handler, proxy);
  originals.set(proxy, original);
  try {
    defineProperty(owner, name, withValue(desc, "value", proxy));
    defineProperty(proto, "constructor", withValue(ctorDesc, "value", proxy));
    return true;
  } catch {
    return false;
  }
}

/**
 * Watch the class `name` of `win` (WebSocket, EventSource): each instance is handed to `watch`
 * once the native constructor made it, and `after` runs once the native `method` accepted a
 * call. Whatever the natives throw reaches the page as it is; whatever ours throw never does.
 */
export function watchClass(
  win: object,
  name: string,
  watch: (instance: object) => void,
  method: string,
  after: (self: unknown, args: unknown[]) => void,
): void {
  const desc = getOwnDescriptor(win, name);
  const cls: unknown = desc?.value;
  if (typeof cls !== "function") return;
  const proto = (cls as { prototype: object }).prototype;
  patchConstructor<new (...args: unknown[]) => object>(win, name, (original, args, newTarget) => {
    const instance = construct(original, args, newTarget as typeof original) as object;
    try {
      watch(instance);
    } catch {
      // recording is best effort
    }
    return instance;
  });
  afterCall(proto, method, after);
}

/**
 * Wrap the method `name` of `owner` so that `after` sees each call the native accepted, with
 * its result. Whatever the native throws reaches the page as it is; whatever `after` throws
 * never does.
 */
export function afterCall(owner: object, name: string, after: (self: unknown, args: unknown[], result: unknown) => void): boolean {
  return patchMethod<(...args: unknown[]) => unknown>(owner, name, (original, self, args) => {
    const result = apply(original, self, args);
    try {
      after(self, args, result);
    } catch {
      // recording is best effort
    }
    return result;
  });
}
