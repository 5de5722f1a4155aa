/**
 * Stream events a parser does not know (a provider's newer event type, a block or delta kind
 * added after this parser was written). They are never dropped silently: each is kept on the
 * span as an `llm_trace.unknown_event` span event with its raw data (capped), and the span's
 * llm_trace.parse_error says how many there were and of which types. The raw body stays in the
 * exchange as well.
 */
import type { DraftBuilder } from "./draft";
import { capped } from "./json";

/** Unknown events kept as span events; the rest are only counted. */
const MAX_KEPT = 50;
/** Characters of an unknown event's raw data kept on its span event. */
const MAX_DATA = 1000;
/** Distinct type names listed in the note. */
const MAX_NAMES = 5;

export class UnknownEvents {
  private count = 0;
  private readonly names: string[] = [];

  constructor(private readonly what = "stream event") {}

  /** An event of type `type` that the parser did not understand; `raw` is its data as received. */
  add(b: DraftBuilder, time: number, type: string, raw: string): void {
    this.count++;
    const label = type === "" ? "(no type)" : type.length > 80 ? `${type.slice(0, 80)}…` : type;
    if (!this.names.includes(label) && this.names.length < MAX_NAMES) this.names.push(label);
    if (this.count > MAX_KEPT) return;
    const data = capped(raw, MAX_DATA);
    b.events.push({ name: "llm_trace.unknown_event", time, attributes: { "llm_trace.event.type": label, "llm_trace.event.data": data } });
  }

  /** Adds the note to the span once the stream has been read. */
  report(b: DraftBuilder): void {
    if (this.count === 0) return;
    const kept = this.count > MAX_KEPT ? ` (the first ${MAX_KEPT} kept as span events)` : " kept as span events";
    b.problem(`${this.count} ${this.what}(s) of unknown type${kept}: ${this.names.join(", ")}`);
  }
}
