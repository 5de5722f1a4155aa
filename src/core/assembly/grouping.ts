/**
 * Time-based grouping (docs/DESIGN.md, "Traces: how spans are grouped", signals 4 and 5) of work no stronger signal placed.
 *
 * LLM work (model, embedding, retrieval calls; a chain of linked model calls counts as one unit):
 * - A user interaction opens a trace. Work starting within INTERACTION_WINDOW after it, and
 *   before the next interaction, joins it; so does work that continues its activity (starts
 *   while earlier work is running or within CONTINUATION_GAP after it ended), up to
 *   MAX_CONTINUATION after the interaction. A newer interaction always takes the work after
 *   it that no link (tool call, continuity, retry) ties to earlier work.
 * - The trace ends when the work the interaction caused has ended: a model call of it has
 *   finished, and nothing of it is busy (no span in flight, no tool call waiting for its
 *   result). Work starting after that, with no new interaction, is not the interaction's (a
 *   page's own timers, polling, prefetching): it starts a trace of its own. Work before the
 *   first model call ends (retrieval, then the model) keeps the trace open by the rules above.
 * - Other work forms "page activity" traces by the same continuation rule, never across an
 *   interaction.
 *
 * Plain HTTP requests that are not a tool's execution (analytics beacons, config and static
 * JSON fetches, polling) never join LLM traces: they form their own "page requests" traces by
 * the same gap rule, so the panel can hide them and a page full of polling is still cut into
 * bounded traces.
 */
import type { InteractionRecord, SpanRecord } from "../contract";
import { MinHeap } from "./heap";
import { lastAtOrBefore } from "./intervals";

/**
 * Long enough for client-side work before the first call (an in-page embedding model, an auth
 * refresh); once the interaction's work has ended, later calls no longer join it.
 */
export const INTERACTION_WINDOW = 10_000;
export const CONTINUATION_GAP = 3_000;
export const MAX_CONTINUATION = 60_000;
/** A span still in flight counts as active this long after its start (a stream whose end was lost must not glue forever). */
export const IN_FLIGHT_REACH = 60_000;

export interface Busy {
  start: number;
  end: number;
}

export interface Unit {
  start: number;
  /** End of activity: latest end of its spans (in-flight ones reach IN_FLIGHT_REACH). */
  end: number;
  /** Sorted by start. */
  spans: SpanRecord[];
  /** When the unit is working: its spans, and its tool calls from the call to the result (with the tools' requests). */
  busy: Busy[];
  /** When its first model call ended (Infinity: none has). */
  firstModelEnd: number;
}

export type GroupKind = "interaction" | "activity" | "requests";

export interface Group {
  kind: GroupKind;
  interaction?: InteractionRecord;
  start: number;
  activityEnd: number;
  members: SpanRecord[];
  /** Latest end of the busy intervals begun by the instant grouping has reached. */
  busyUntil: number;
  firstModelEnd: number;
}

export function activeUntil(span: SpanRecord): number {
  return span.endTime ?? span.startTime + IN_FLIGHT_REACH;
}

/** `tools`: intervals when the unit's tool calls were running (from the call to its result). */
export function unitOf(spans: SpanRecord[], tools: readonly Busy[] = []): Unit {
  let end = -Infinity;
  let firstModelEnd = Infinity;
  const busy: Busy[] = [...tools];
  for (const s of spans) {
    end = Math.max(end, activeUntil(s));
    busy.push({ start: s.startTime, end: activeUntil(s) });
    if (s.kind === "llm" && s.endTime !== undefined) firstModelEnd = Math.min(firstModelEnd, s.endTime);
  }
  return { start: spans[0]!.startTime, end, spans, busy, firstModelEnd };
}

/** The busy intervals of every group, released into their group's busyUntil as grouping reaches their start. */
class BusyClock {
  private readonly heap = new MinHeap<{ end: number; group: Group }>();

  add(group: Group, unit: Unit): void {
    for (const b of unit.busy) this.heap.push(b.start, { end: b.end, group });
  }

  advance(t: number): void {
    while (this.heap.size > 0 && this.heap.peekKey()! <= t) {
      const { end, group } = this.heap.pop()!;
      group.busyUntil = Math.max(group.busyUntil, end);
    }
  }
}

/** The interaction's work has ended by `t`: a model call of it finished, and nothing of it is busy. */
function ended(group: Group, t: number): boolean {
  return group.firstModelEnd <= t && group.busyUntil <= t;
}

function newGroup(kind: GroupKind, start: number, interaction?: InteractionRecord): Group {
  return { kind, ...(interaction ? { interaction } : {}), start, activityEnd: -Infinity, members: [], busyUntil: -Infinity, firstModelEnd: Infinity };
}

function join(group: Group, unit: Unit, clock: BusyClock): void {
  group.members.push(...unit.spans);
  group.activityEnd = Math.max(group.activityEnd, unit.end);
  group.firstModelEnd = Math.min(group.firstModelEnd, unit.firstModelEnd);
  clock.add(group, unit);
}

function continues(group: Group | undefined, unit: Unit): boolean {
  return group !== undefined && unit.start <= group.activityEnd + CONTINUATION_GAP && unit.start - group.start <= MAX_CONTINUATION;
}

/**
 * Group units (sorted by start) under the interactions (sorted by time). `withInteractions`
 * false gives the plain-request grouping: interactions only cut groups, they open none.
 */
export function groupByTime(units: readonly Unit[], interactions: readonly InteractionRecord[], withInteractions: boolean): Group[] {
  const times = interactions.map((i) => i.time);
  const groups: Group[] = [];
  const byInteraction = new Map<InteractionRecord, Group>();
  const clock = new BusyClock();
  let fallback: Group | undefined;
  for (const unit of units) {
    clock.advance(unit.start);
    const at = lastAtOrBefore(times, unit.start);
    const interaction = at >= 0 ? interactions[at] : undefined;
    if (interaction && withInteractions) {
      const group = byInteraction.get(interaction);
      const open = !group || !ended(group, unit.start);
      if (open && (unit.start - interaction.time <= INTERACTION_WINDOW || continues(group, unit))) {
        if (group) join(group, unit, clock);
        else {
          const created = newGroup("interaction", interaction.time, interaction);
          join(created, unit, clock);
          byInteraction.set(interaction, created);
          groups.push(created);
        }
        continue;
      }
    }
    // Fallback groups never span an interaction: the one in progress must have begun after it.
    if (fallback && (!interaction || fallback.start >= interaction.time) && continues(fallback, unit)) {
      join(fallback, unit, clock);
      continue;
    }
    fallback = newGroup(withInteractions ? "activity" : "requests", unit.start);
    join(fallback, unit, clock);
    groups.push(fallback);
  }
  return groups;
}
