/** The settings page's state: the stored settings as a signal, saved on every change. */
import browser from "webextension-polyfill";
import { signal } from "@preact/signals";
import { DEFAULT_SETTINGS, normalizeSettings, SETTINGS_KEY, type Settings } from "../core/settings";

export const settings = signal<Settings>(DEFAULT_SETTINGS);
export const savedAt = signal<number | undefined>(undefined);

export async function loadSettings(): Promise<void> {
  settings.value = normalizeSettings((await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY]);
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && SETTINGS_KEY in changes) settings.value = normalizeSettings(changes[SETTINGS_KEY]?.newValue);
  });
}

export async function save(next: Partial<Settings>): Promise<void> {
  const merged = normalizeSettings({ ...settings.value, ...next });
  settings.value = merged;
  await browser.storage.local.set({ [SETTINGS_KEY]: merged });
  savedAt.value = Date.now();
}
