/**
 * What the panel needs from the browser besides the connection, behind one small interface so
 * the UI itself never touches extension APIs (and runs the same in DevTools and as a page).
 */
import browser from "webextension-polyfill";
import { normalizeSettings, SETTINGS_KEY, type Settings } from "../core/settings";

export interface PanelHost {
  /** Inside DevTools (not a page opened from ?tabId=). */
  inDevtools: boolean;
  /** The extension's version, written into exported files. */
  version: string;
  openInWindow?(): void;
  openOptions(): void;
  /** The inspected page navigated (DevTools only). */
  onNavigated(listener: () => void): void;
  /** Reload the inspected page. */
  reload(): void;
  /** The user's settings, now and whenever they change. */
  watchSettings(listener: (settings: Settings) => void): void;
  /** Save text as a file through the browser's downloads UI. */
  download(fileName: string, text: string, mimeType: string): void;
}

export function createHost(tabId: number): PanelHost {
  const devtools = browser.devtools;
  const inDevtools = typeof devtools?.inspectedWindow?.tabId === "number";
  return {
    inDevtools,
    version: browser.runtime.getManifest().version,
    openInWindow: inDevtools
      ? () => void browser.windows.create({ url: browser.runtime.getURL(`panel.html?tabId=${tabId}`), type: "popup", width: 1100, height: 720 })
      : undefined,
    openOptions: () => void browser.runtime.openOptionsPage(),
    reload: () => void (inDevtools ? devtools.inspectedWindow.reload({}) : browser.tabs.reload(tabId)),
    onNavigated(listener) {
      devtools?.network?.onNavigated.addListener(() => listener());
    },
    watchSettings(listener) {
      void browser.storage.local.get(SETTINGS_KEY).then((stored) => listener(normalizeSettings(stored[SETTINGS_KEY])));
      browser.storage.onChanged.addListener((changes, area) => {
        if (area === "local" && SETTINGS_KEY in changes) listener(normalizeSettings(changes[SETTINGS_KEY]?.newValue));
      });
    },
    download(fileName, text, mimeType) {
      const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
      const a = document.createElement("a");
      a.href = url;
      a.download = fileName;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  };
}
