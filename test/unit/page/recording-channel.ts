/** A channel for the hook's unit tests: it keeps the events and the text of the body pieces it is handed. */
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
    piece(id, seq, _time, part, _charset, pending): PendingPieces {
      pieces.push(typeof part === "string" ? part : decoder.decode(part));
      return pending ?? { event: { t: "pieces", id, seq, times: [], parts: [] }, batch: 0 };
    },
  };
  return { channel, events, pieces };
}
