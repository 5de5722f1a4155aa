/**
 * Replacing page globals without the page being able to tell.
 *
 * Wrappers are Proxies around the originals, so name, length, own properties, prototype and
 * (non-)constructibility are the native ones. The one thing a Proxy changes is
 * Function.prototype.toString, so that is wrapped once to answer for the original.
 */

export const apply = Reflect.apply;
const defineProperty = Object.defineProperty;
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const getPrototypeOf = Object.getPrototypeOf;

const originals = new WeakMap<object, object>();
const weakGet = WeakMap.prototype.get;
const weakSet = WeakMap.prototype.set;

/** `fn.call(self, ...args)` that a page patching Function.prototype.call cannot intercept. */
export function uncurry<F extends (...args: never[]) => unknown>(fn: F) {
  return (self: unknown, ...args: Parameters<F>): ReturnType<F> => apply(fn, self, args) as ReturnType<F>;
}

/**
 * The getter of `name` found on `proto` or up its chain, as a plain function of the object.
 * A getter this browser lacks (Firefox has no Request.prototype.body) reads as undefined.
 */
export function getter<T = unknown>(proto: object, name: string): (self: unknown) => T {
  const get = findDescriptor(proto, name)?.get;
  return get ? (self) => apply(get, self, []) as T : () => undefined as T;
}

function findDescriptor(obj: object | null, name: PropertyKey): PropertyDescriptor | undefined {
  for (; obj; obj = getPrototypeOf(obj)) {
    const d = getOwnDescriptor(obj, name);
    if (d) return d;
  }
  return undefined;
}

function wrap<T extends object>(original: T, handler: ProxyHandler<T>): T {
  const proxy = new Proxy(original, handler);
  apply(weakSet, originals, [proxy, original]);
  return proxy;
}

/**
 * Replace a method (or a function-valued global) on `owner` with `apply(original, self, args)`.
 * Keeps the property's enumerable/writable/configurable flags. Returns false (and changes
 * nothing) when the property is missing or locked, e.g. frozen by another script.
 */
export function patchMethod<F extends (...args: never[]) => unknown>(
  owner: object,
  name: string,
  replacement: (original: F, self: unknown, args: Parameters<F>) => ReturnType<F>,
): boolean {
  const desc = getOwnDescriptor(owner, name);
  const original = desc?.value as F | undefined;
  if (!desc || typeof original !== "function" || !desc.configurable && !desc.writable) return false;
  const proxy = wrap(original, {
    apply: (target, self, args) => replacement(target, self, args as Parameters<F>),
  });
  try {
    defineProperty(owner, name, { ...desc, value: proxy });
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
  const proxy = wrap(original, { apply: (target, self) => replacement(target, self) });
  try {
    defineProperty(owner, name, { ...desc, get: proxy });
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
    apply(original, (apply(weakGet, originals, [self]) as object | undefined) ?? self, args),
  );
}
