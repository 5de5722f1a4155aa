/**
 * The WebRTC hook (docs/DESIGN.md, "Other transports"): OpenAI Realtime over WebRTC sends its
 * events on a data channel the page makes, `pc.createDataChannel("oai-events")`. That method
 * and RTCDataChannel's send() are wrapped as WebSocket's are (patch.ts: native identity, errors
 * and return values); the channel's messages become a session's lines exactly as a socket's
 * (websocket.ts), so the background reads them with the same Realtime parser. The audio is on
 * media tracks, which are left alone; its transcript events are on the channel.
 *
 * Channels the remote side opens (the `datachannel` event) are not recorded: OpenAI's client
 * opens its own, and a page's other peer-to-peer channels are not model work.
 */
import type { Channel } from "./channel";
import { clock } from "./body";
import { addListener, eventType, getter, isTrusted, messageData, stringSlice } from "./natives";
import { afterCall } from "./patch";
import { close, isLive, openSession, receive, sessions } from "./websocket";

/** The label OpenAI's Realtime API listens on. */
const REALTIME_LABEL = "oai-events";

export function hookDataChannels(win: Window & typeof globalThis, channel: Channel): void {
  if (typeof win.RTCPeerConnection !== "function" || typeof win.RTCDataChannel !== "function") return;
  const proto = win.RTCDataChannel.prototype;
  const label = getter<string>(proto, "label");
  const readyState = getter<string>(proto, "readyState");
  // Taken now, before the page's scripts could replace it.
  const encode = encodeURIComponent;
  afterCall(win.RTCPeerConnection.prototype, "createDataChannel", (_pc, _args, dc) => {
    if (channel.config.enabled) watch(channel, dc as RTCDataChannel, label(dc), encode);
  });
  afterCall(proto, "send", (self, args) => {
    const s = sessions.get(self as object);
    if (s && readyState(self) === "open") receive(channel, s, clock(), "s", args[0]);
  });
}

function watch(channel: Channel, dc: RTCDataChannel, name: string, encode: (s: string) => string): void {
  // Not a URL the page chose: the channel's label under a scheme of ours, for the session's name.
  const url = `webrtc:${encode(name.length > 256 ? stringSlice(name, 0, 256) : name)}`;
  const s = openSession(channel, dc, url, "webrtc", name === REALTIME_LABEL || isLive(url, channel.config.capture));
  const onEvent = (e: Event): void => {
    try {
      if (!isTrusted(e)) return;
      const type = eventType(e);
      if (type === "message") receive(channel, s, clock(), "r", messageData(e));
      else if (type === "open") channel.emit({ t: "response", id: s.id, time: clock(), status: 200, statusText: "open", headers: [] });
      else if (type === "error") close(channel, s, { state: "error", errorName: "RTCError", errorMessage: "the data channel failed" });
      else if (type === "close") close(channel, s, { state: "ok" });
    } catch {
      // never throw into the page's event dispatch
    }
  };
  addListener(dc, "open", onEvent);
  addListener(dc, "message", onEvent);
  addListener(dc, "error", onEvent);
  addListener(dc, "close", onEvent);
}
