/**
 * The Timing tab, after DevTools' Network timing view: each phase as a bar on the span's own
 * time axis, then generation speed and the chunk timeline.
 */
import { useMemo } from "preact/hooks";
import type { Exchange, SpanRecord } from "../../../core/contract";
import { formatClock, formatDuration } from "../../format";
import { formatRatePerSecond } from "../../detail-model/numbers";
import { missingTimesNote } from "../../detail-model/origin";
import { timingOf } from "../../detail-model/timing";
import type { Timing } from "../../detail-model/timing";
import { ChunkTimeline } from "./ChunkTimeline";
import { KeyValues, Note, Section } from "./Section";

interface Phase {
  label: string;
  title: string;
  from: number;
  to: number;
  tone: string;
}

function TextRow({ label, text }: { label: string; text: string }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td class="dt-mono" colSpan={2}>{text}</td>
    </tr>
  );
}

function PhaseRow({ phase, total }: { phase: Phase; total: number }) {
  const left = (phase.from / total) * 100;
  const width = Math.max(0.4, ((phase.to - phase.from) / total) * 100);
  return (
    <tr title={phase.title}>
      <th scope="row">{phase.label}</th>
      <td class="dt-phase-track">
        <span class={`dt-phase-bar dt-phase-${phase.tone}`} style={{ left: `${Math.min(left, 99.6)}%`, width: `${Math.min(width, 100 - left)}%` }} />
      </td>
      <td class="dt-num">{formatDuration(phase.to - phase.from)}</td>
    </tr>
  );
}

/** Consecutive phases that tile the call, as in DevTools' Network timing. */
function phasesOf(t: Timing): Phase[] {
  const phases: Phase[] = [];
  const end = t.total;
  if (end === undefined) return phases;
  const headers = t.ttfb;
  if (headers !== undefined) phases.push({ label: "Waiting for headers", title: "From the call to the response headers (TTFB)", from: 0, to: headers, tone: "wait" });
  if (t.ttft !== undefined) {
    const from = headers !== undefined && headers <= t.ttft ? headers : 0;
    phases.push({ label: "Until first token", title: "Until the first chunk carrying output content (TTFT)", from, to: t.ttft, tone: "ttft" });
    phases.push({ label: "Streaming", title: "From the first output chunk to the end of the response", from: t.ttft, to: end, tone: "stream" });
  } else if (t.firstByte !== undefined) {
    phases.push({ label: "Content download", title: "From the first body bytes to the end of the body", from: t.firstByte, to: end, tone: "stream" });
  }
  return phases;
}

export function TimingTab({ span, exchange, traceSpans }: { span: SpanRecord; exchange: Exchange | null | undefined; traceSpans: readonly SpanRecord[] | undefined }) {
  const t = useMemo(() => timingOf(span, exchange, traceSpans), [span, exchange, traceSpans]);
  const phases = phasesOf(t);
  const note = missingTimesNote(span, exchange);
  return (
    <>
      <Section title="Phases">
        <table class="dt-table dt-phases">
          {/* Fixed layout takes widths from here, not from the first (spanning) row. */}
          <colgroup>
            <col class="dt-col-label" />
            <col />
            <col class="dt-col-duration" />
          </colgroup>
          <tbody>
            <TextRow label="Started" text={formatClock(t.start)} />
            {t.offsetInTrace !== undefined && <TextRow label="After trace start" text={`+${formatDuration(t.offsetInTrace)}`} />}
            {t.total !== undefined && phases.map((p) => <PhaseRow key={p.label} phase={p} total={t.total!} />)}
            {t.total !== undefined && (
              <tr class="dt-phase-total">
                <th scope="row">Total</th>
                <td class="dt-phase-track">
                  <span class="dt-phase-bar dt-phase-total-bar" style={{ left: "0%", width: "100%" }} />
                </td>
                <td class="dt-num">{formatDuration(t.total)}</td>
              </tr>
            )}
          </tbody>
        </table>
        {t.total === undefined && <Note>In flight: the phases are complete once the response ends.</Note>}
        {note !== undefined && <Note>{note}</Note>}
      </Section>
      {(t.tokensPerSecond !== undefined || t.ttft !== undefined) && (
        <Section title="Generation">
          <KeyValues
            rows={[
              t.ttft !== undefined && ["Time to first token", formatDuration(t.ttft)],
              t.tokensPerSecond !== undefined && ["Output speed", `${formatRatePerSecond(t.tokensPerSecond)} (${t.rateBasis})`],
              t.timePerOutputToken !== undefined && ["Time per output token", formatDuration(t.timePerOutputToken)],
            ]}
          />
        </Section>
      )}
      {t.chunkOffsets.length > 1 && t.total !== undefined && (
        <Section title="Chunks">
          <ChunkTimeline offsets={t.chunkOffsets} total={t.total} {...(t.ttft !== undefined && { ttft: t.ttft })} />
        </Section>
      )}
    </>
  );
}
