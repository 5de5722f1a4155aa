/** The settings page's state: the stored settings as a signal, saved on every change. */
import browser from "webextension-polyfill";
import { signal } from "@preact/signals";
import { DEFAULT_SETTINGS, normalizeSettings, SETTINGS_KEY, type Settings } from "../core/settings";

export const settings = signal<Settings>(DEFAULT_SETTINGS);
/** The last save: when, and the control that made it (the "Saved" status shows beside it). */
export const lastSave = signal<{ at: number; control: Element | null } | undefined>(undefined);

export async function loadSettings(): Promise<void> {
  settings.value = normalizeSettings((await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY]);
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && SETTINGS_KEY in changes) settings.value = normalizeSettings(changes[SETTINGS_KEY]?.newValue);
  });
}

/** The control of the latest change or click, seen before its own handler saves. */
let lastControl: Element | null = null;
for (const type of ["change", "click"]) {
  document.addEventListener(type, (e) => (lastControl = e.target instanceof Element ? e.target : null), true);
}

export async function save(next: Partial<Settings>): Promise<void> {
  const control = lastControl?.isConnected ? lastControl : document.activeElement;
  const merged = normalizeSettings({ ...settings.value, ...next });
  settings.value = merged;
  await browser.storage.local.set({ [SETTINGS_KEY]: merged });
  lastSave.value = { at: Date.now(), control: control === document.body ? null : control };
}
