/**
 * Where capture is on. Development hosts and allowed sites always; denied sites never; other
 * sites only while DevTools is open on the tab (the DevTools page keeps a port open, as long as
 * DevTools is). Private windows only if the user allows it. Relays ask when a page loads and
 * are told to ask again whenever the answer may have changed.
 */
import browser, { type Runtime } from "webextension-polyfill";
import type { HookConfig } from "../core/contract";
import { capturePolicy, hookConfigFor, SETTINGS_KEY } from "../core/settings";
import { scopeChanged, type SiteState } from "../shared/messages";
import { getSettings, onSettingsChanged } from "./current-settings";

export const DEVTOOLS_PORT_PREFIX = "devtools:";
const devtoolsPorts = new Map<number, Set<Runtime.Port>>();
/** The top frame's host per tab, as its relay reported it (no "tabs" permission needed). */
const topHosts = new Map<number, string>();
/** Whether the tab's top frame was last told to capture: calls read from the network log follow it. */
const topEnabled = new Map<number, boolean>();

function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname : "";
  } catch {
    return "";
  }
}

/** Tell every frame's relay in the tab to ask for its configuration again. */
function notify(tabId: number): void {
  browser.tabs.sendMessage(tabId, scopeChanged()).catch(() => {});
}

export function isDevtoolsOpen(tabId: number): boolean {
  return (devtoolsPorts.get(tabId)?.size ?? 0) > 0;
}

/** Whether the tab's page is being captured (as its top frame was last told). */
export function isTabCaptured(tabId: number): boolean {
  return topEnabled.get(tabId) === true;
}

/**
 * A DevTools page's port; `onMessage` gets what it sends, for its own tab only (the tab is the
 * port's name, which only our own pages can choose).
 */
export function acceptDevtools(port: Runtime.Port, onMessage: (tabId: number, message: unknown) => void = () => {}): boolean {
  if (!port.name.startsWith(DEVTOOLS_PORT_PREFIX)) return false;
  const tabId = Number(port.name.slice(DEVTOOLS_PORT_PREFIX.length));
  const sender = port.sender;
  if (!Number.isInteger(tabId) || sender?.id !== browser.runtime.id || !sender.url?.startsWith(browser.runtime.getURL(""))) {
    port.disconnect();
    return true;
  }
  let set = devtoolsPorts.get(tabId);
  if (!set) devtoolsPorts.set(tabId, (set = new Set()));
  const wasOpen = set.size > 0;
  set.add(port);
  if (!wasOpen) notify(tabId);
  port.onMessage.addListener((message: unknown) => onMessage(tabId, message));
  port.onDisconnect.addListener(() => {
    set.delete(port);
    if (set.size === 0) {
      devtoolsPorts.delete(tabId);
      notify(tabId);
    }
  });
  return true;
}

/**
 * The frame's host: from what the browser says about the sender where it can (sender.origin in
 * Chrome, else its URL), and from the relay's own report only for about:blank/srcdoc frames,
 * whose URL does not carry the origin they inherit.
 */
function senderHost(sender: Runtime.MessageSender, reportedOrigin?: string): string {
  const origin = (sender as { origin?: string }).origin;
  if (origin && origin !== "null") return hostOf(origin);
  if (sender.url?.startsWith("about:")) return hostOf(reportedOrigin);
  return hostOf(sender.url);
}

/** The hook configuration for the frame that sent this message. */
export async function configForSender(sender: Runtime.MessageSender, reportedOrigin?: string): Promise<HookConfig> {
  const tabId = sender.tab?.id ?? -1;
  const host = senderHost(sender, reportedOrigin);
  const config = hookConfigFor(await getSettings(), { host, devtoolsOpen: isDevtoolsOpen(tabId), privateWindow: sender.tab?.incognito === true });
  if (sender.frameId === 0 && tabId >= 0) {
    topHosts.set(tabId, host);
    topEnabled.set(tabId, config.enabled);
  }
  return config;
}

export async function siteState(tabId: number): Promise<SiteState> {
  const host = topHosts.get(tabId) ?? "";
  const settings = await getSettings();
  const policy = host ? capturePolicy(settings, host) : "devtools";
  return { host, policy, recording: policy === "always" || (policy === "devtools" && isDevtoolsOpen(tabId)) };
}

/** The one-click toggle of the panel: a rule for the tab's site, first in the list. */
export async function setSiteCapture(tabId: number, capture: boolean | null): Promise<SiteState> {
  const host = topHosts.get(tabId);
  if (host) {
    const settings = await getSettings();
    const others = settings.siteRules.filter((r) => r.host !== host);
    const siteRules = capture === null ? others : [{ host, capture }, ...others];
    await browser.storage.local.set({ [SETTINGS_KEY]: { ...settings, siteRules } });
  }
  return siteState(tabId);
}

export function forgetTabScope(tabId: number): void {
  topHosts.delete(tabId);
  topEnabled.delete(tabId);
}

// Settings changed: every tab's relays ask again (they also watch storage, but a relay in a
// tab that was loaded before may only learn it from us).
onSettingsChanged(() => {
  for (const tabId of topHosts.keys()) notify(tabId);
});
