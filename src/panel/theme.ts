/** Follow the DevTools theme where DevTools tells it, else the system's. */
import browser from "webextension-polyfill";

export function applyTheme(): void {
  const devtoolsTheme = (browser.devtools?.panels as { themeName?: string } | undefined)?.themeName;
  const dark = devtoolsTheme ? devtoolsTheme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.dataset.theme = dark ? "dark" : "light";
  const onThemeChanged = (browser.devtools?.panels as { onThemeChanged?: { addListener(cb: (name: string) => void): void } } | undefined)?.onThemeChanged;
  onThemeChanged?.addListener((name) => (document.documentElement.dataset.theme = name === "dark" ? "dark" : "light"));
}
