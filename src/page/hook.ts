/**
 * MAIN-world entry, injected at document_start into every frame before the page's own scripts.
 * Installs the fetch, XHR, WebSocket, EventSource and WebRTC data channel hooks once per window and opens the line to the relay. Only what
 * must run in the page's own world is here: interactions and marks are observed by the relay.
 */
import { openChannel } from "./channel";
import { hookFetch } from "./fetch";
import { maskToString } from "./patch";
import { hookForwardedResponses } from "./forwarded-response";
import { hookXhr } from "./xhr";
import { hookWebSocket } from "./websocket";
import { hookEventSource } from "./event-source";
import { hookDataChannels } from "./data-channel";

// No "installed" marker on window: it would be visible to the page. Browsers inject a
// manifest content script once per document, and never into pages already loaded.
function install(win: Window & typeof globalThis): void {
  const channel = openChannel(win);
  maskToString();
  hookForwardedResponses(win);
  hookFetch(win, channel);
  hookXhr(channel);
  hookWebSocket(win, channel);
  hookEventSource(win, channel);
  hookDataChannels(win, channel);
}

try {
  install(window);
} catch {
  // Whatever happens, the page loads as if we were not here.
}
