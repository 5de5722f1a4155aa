/** The user's settings as the background uses them: read once, kept current by storage events. */
import browser from "webextension-polyfill";
import { parsePriceTable, type DeriveOptions } from "../core/providers";
import { normalizeSettings, SETTINGS_KEY, type Settings } from "../core/settings";

let cached: Promise<Settings> | undefined;

export function getSettings(): Promise<Settings> {
  cached ??= browser.storage.local.get(SETTINGS_KEY).then((stored) => normalizeSettings(stored[SETTINGS_KEY]), () => normalizeSettings(undefined));
  return cached;
}

const listeners = new Set<(settings: Settings) => void>();

export function onSettingsChanged(listener: (settings: Settings) => void): void {
  listeners.add(listener);
}

browser.storage.onChanged.addListener((changes, area) => {
  if (area !== "local" || !(SETTINGS_KEY in changes)) return;
  const next = normalizeSettings(changes[SETTINGS_KEY]?.newValue);
  cached = Promise.resolve(next);
  for (const l of listeners) l(next);
});

let derived: { settings: Settings; options: DeriveOptions } | undefined;

/** What span derivation needs from the settings, parsed once per settings object. */
export function deriveOptionsFor(settings: Settings): DeriveOptions {
  if (derived?.settings !== settings) derived = { settings, options: { rules: settings.rules, prices: parsePriceTable(settings.prices).table } };
  return derived.options;
}
