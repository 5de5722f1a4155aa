/**
 * The real Chrome DevTools panel (not the panel page opened as a tab), reached through DevTools
 * internals as ../shared/BROWSER-TESTING.md describes. Kept in this one helper because those
 * internals change between Chromium versions.
 */
import type { CDPSession } from "@playwright/test";
import type { WithExtension } from "./chromium";
import { waitFor } from "./chromium";

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

/** A target reached over the browser session without flattening (as DevTools' own pages need). */
export class NestedSession {
  private nextId = 1;
  private pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(private readonly browser: CDPSession, readonly sessionId: string) {
    browser.on("Target.receivedMessageFromTarget", (event: { sessionId: string; message: string }) => {
      if (event.sessionId !== this.sessionId) return;
      const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
      const call = message.id !== undefined ? this.pending.get(message.id) : undefined;
      if (!call) return;
      this.pending.delete(message.id!);
      if (message.error) call.reject(new Error(message.error.message));
      else call.resolve(message.result);
    });
  }

  send<T = unknown>(method: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      void this.browser.send("Target.sendMessageToTarget", { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) })
        .catch((e: Error) => reject(e));
    });
  }

  /** Evaluate an expression (awaiting promises) and return its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const result = (await this.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true })) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (result.exceptionDetails) throw new Error(result.exceptionDetails.exception?.description ?? result.exceptionDetails.text);
    return result.result.value as T;
  }
}

export async function targets(browser: CDPSession): Promise<TargetInfo[]> {
  return ((await browser.send("Target.getTargets")) as { targetInfos: TargetInfo[] }).targetInfos;
}

export async function attach(browser: CDPSession, targetId: string): Promise<NestedSession> {
  const { sessionId } = (await browser.send("Target.attachToTarget", { targetId, flatten: false })) as { sessionId: string };
  return new NestedSession(browser, sessionId);
}

/**
 * Show our panel in the DevTools window of the (single) inspected page and return a session
 * in the panel's own frame. The browser must have been launched with
 * --auto-open-devtools-for-tabs.
 */
export async function openRealDevtoolsPanel(ext: WithExtension, panelTitle = "LLM Traces"): Promise<NestedSession> {
  const owner = ext.context.browser();
  if (!owner) throw new Error("no Browser object for this context");
  const browser = await owner.newBrowserCDPSession();
  const devtools = await waitFor(async () => (await targets(browser)).find((t) => t.url.startsWith("devtools://")), "a DevTools window");
  const front = await attach(browser, devtools.targetId);
  const tabId = `chrome-extension://${ext.extensionId}${panelTitle.replace(/\s/g, "")}`;
  await waitFor(() => front.evaluate<boolean>(`(async () => {
    const legacy = await import("./ui/legacy/legacy.js");
    const view = legacy.InspectorView.InspectorView.maybeGetInspectorViewInstance();
    // Extension panels register a moment after the inspector view exists.
    if (!view || !view.tabbedPane.tabIds().includes(${JSON.stringify(tabId)})) return false;
    await view.showPanel(${JSON.stringify(tabId)});
    return true;
  })()`), "the DevTools inspector view");
  const frame = await waitFor(
    async () => (await targets(browser)).find((t) => t.url.startsWith(`chrome-extension://${ext.extensionId}/panel.html`)),
    "the panel's frame",
  );
  const panel = await attach(browser, frame.targetId);
  await waitFor(() => panel.evaluate<boolean>("document.readyState === 'complete' && !!document.querySelector('.app')"), "the panel to render");
  return panel;
}
