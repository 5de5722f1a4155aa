/** A channel for the hook's unit tests: it keeps the events and the text of the body pieces it is handed (joined as the channel joins them). */
import type { HookConfig } from "../../../src/core/contract";
import type { Channel, ChannelEvent, PendingPieces } from "../../../src/page/channel";

const decoder = new TextDecoder();

export function recordingChannel(config: Partial<HookConfig> = {}): { channel: Channel; events: ChannelEvent[]; pieces: string[] } {
  const events: ChannelEvent[] = [];
  const pieces: string[] = [];
  const channel: Channel = {
    config: { enabled: true, bodyCap: 1 << 20, bodies: true, capture: [], ...config },
    onReplay: undefined,
    onLeave: () => {},
    emit: (e) => void events.push(e),
    // One batch that never leaves: text joins the last piece as the channel's does (joinWithinMs).
    piece(id, seq, time, part, _charset, pending, joinWithinMs = 0): PendingPieces {
      const text = typeof part === "string" ? part : decoder.decode(part);
      const out = pending ?? { event: { t: "pieces", id, seq, times: [], parts: [] }, batch: 0 };
      const e = out.event;
      const last = e.parts.length - 1;
      if (typeof part === "string" && last >= 0 && typeof e.parts[last] === "string" && time - e.times[last]! < joinWithinMs) {
        e.parts[last] += part;
        pieces[pieces.length - 1] += text;
      } else {
        e.times.push(time);
        e.parts.push(part);
        pieces.push(text);
      }
      return out;
    },
  };
  return { channel, events, pieces };
}
