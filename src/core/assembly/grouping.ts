/**
 * Time-based grouping (docs/DESIGN.md, "Traces: how spans are grouped", signals 4 and 5) of work no stronger signal placed.
 *
 * LLM work (model, embedding, retrieval calls; a tool-call chain counts as one unit):
 * - A user interaction opens a trace. Work starting within INTERACTION_WINDOW after it, and
 *   before the next interaction, joins it; so does work that continues its activity (starts
 *   while earlier work is running or within CONTINUATION_GAP after it ended), up to
 *   MAX_CONTINUATION after the interaction. A newer interaction always takes the work after
 *   it: two quick clicks give two traces even when their requests overlap.
 * - Other work forms "page activity" traces by the same continuation rule, never across an
 *   interaction.
 *
 * Plain HTTP requests that are not a tool's execution (analytics beacons, config and static
 * JSON fetches, polling) never join LLM traces: they form their own "page requests" traces by
 * the same gap rule, so the panel can hide them and a page full of polling is still cut into
 * bounded traces.
 */
import type { InteractionRecord, SpanRecord } from "../records";
import { lastAtOrBefore } from "./intervals";

/**
 * Long enough for client-side work before the first call (an in-page embedding model, an auth
 * refresh); a newer interaction takes later work anyway, so the cost of a long window is only
 * that timer-driven calls within it join the click before them.
 */
export const INTERACTION_WINDOW = 10_000;
export const CONTINUATION_GAP = 3_000;
export const MAX_CONTINUATION = 60_000;
/** A span still in flight counts as active this long after its start (a stream whose end was lost must not glue forever). */
export const IN_FLIGHT_REACH = 60_000;

export interface Unit {
  start: number;
  /** End of activity: latest end of its spans (in-flight ones reach IN_FLIGHT_REACH). */
  end: number;
  /** Sorted by start. */
  spans: SpanRecord[];
}

export type GroupKind = "interaction" | "activity" | "requests";

export interface Group {
  kind: GroupKind;
  interaction?: InteractionRecord;
  start: number;
  activityEnd: number;
  members: SpanRecord[];
}

export function activeUntil(span: SpanRecord): number {
  return span.endTime ?? span.startTime + IN_FLIGHT_REACH;
}

export function unitOf(spans: SpanRecord[]): Unit {
  let end = -Infinity;
  for (const s of spans) end = Math.max(end, activeUntil(s));
  return { start: spans[0]!.startTime, end, spans };
}

function join(group: Group, unit: Unit): void {
  group.members.push(...unit.spans);
  group.activityEnd = Math.max(group.activityEnd, unit.end);
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
  let fallback: Group | undefined;
  for (const unit of units) {
    const at = lastAtOrBefore(times, unit.start);
    const interaction = at >= 0 ? interactions[at] : undefined;
    if (interaction && withInteractions) {
      const group = byInteraction.get(interaction);
      if (unit.start - interaction.time <= INTERACTION_WINDOW || continues(group, unit)) {
        if (group) join(group, unit);
        else {
          const created: Group = { kind: "interaction", interaction, start: interaction.time, activityEnd: -Infinity, members: [] };
          join(created, unit);
          byInteraction.set(interaction, created);
          groups.push(created);
        }
        continue;
      }
    }
    // Fallback groups never span an interaction: the one in progress must have begun after it.
    if (fallback && (!interaction || fallback.start >= interaction.time) && continues(fallback, unit)) {
      join(fallback, unit);
      continue;
    }
    fallback = { kind: withInteractions ? "activity" : "requests", start: unit.start, activityEnd: -Infinity, members: [] };
    join(fallback, unit);
    groups.push(fallback);
  }
  return groups;
}
