/**
 * Follow the DevTools theme where DevTools tells it (and its changes), else the system's, live:
 * a panel opened as a page or window switches when the system's light/dark setting does.
 */
import browser from "webextension-polyfill";

type ThemePanels = { themeName?: string; onThemeChanged?: { addListener(cb: (name: string) => void): void } };

const set = (dark: boolean) => (document.documentElement.dataset.theme = dark ? "dark" : "light");

export function applyTheme(): void {
  const panels = browser.devtools?.panels as ThemePanels | undefined;
  const devtoolsTheme = panels?.themeName;
  const system = matchMedia("(prefers-color-scheme: dark)");
  if (devtoolsTheme) set(devtoolsTheme === "dark");
  else {
    set(system.matches);
    system.addEventListener("change", (e) => set(e.matches));
  }
  panels?.onThemeChanged?.addListener((name) => set(name === "dark"));
}
