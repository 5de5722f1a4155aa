/** DevTools page: adds the "LLM Traces" panel (Chrome DevTools and Firefox's toolbox). */
import browser from "webextension-polyfill";

void browser.devtools.panels.create("LLM Traces", "icons/icon-32.png", "panel.html");
