/**
 * The settings page's state: the stored settings as a signal, saved on every change. Created
 * once by the page (index.tsx) and handed to each section.
 */
import browser from "webextension-polyfill";
import { signal } from "@preact/signals";
import { DEFAULT_SETTINGS, normalizeSettings, SETTINGS_KEY, type Settings } from "../core/settings";

export function createSettingsStore() {
  const settings = signal<Settings>(DEFAULT_SETTINGS);
  /** The last save: when, and the control that made it (the "Saved" status shows beside it). */
  const lastSave = signal<{ at: number; control: Element | null } | undefined>(undefined);

  /** The control of the latest change or click, seen before its own handler saves. */
  let lastControl: Element | null = null;
  for (const type of ["change", "click"]) {
    document.addEventListener(type, (e) => (lastControl = e.target instanceof Element ? e.target : null), true);
  }

  async function load(): Promise<void> {
    settings.value = normalizeSettings((await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY]);
    browser.storage.onChanged.addListener((changes, area) => {
      if (area === "local" && SETTINGS_KEY in changes) settings.value = normalizeSettings(changes[SETTINGS_KEY]?.newValue);
    });
  }

  async function save(next: Partial<Settings>): Promise<void> {
    const control = lastControl?.isConnected ? lastControl : document.activeElement;
    const merged = normalizeSettings({ ...settings.value, ...next });
    settings.value = merged;
    await browser.storage.local.set({ [SETTINGS_KEY]: merged });
    lastSave.value = { at: Date.now(), control: control === document.body ? null : control };
  }

  return { settings, lastSave, load, save };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
