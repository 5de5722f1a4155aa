/**
 * Two runs side by side (docs/DESIGN.md, "Compare and replay"): the totals as deltas, then the
 * steps matched by structure, each with its numbers; a step opens into what differs: system
 * instructions, messages and output as word diffs with unchanged text folded, parameters, tool
 * definitions and tool calls as field diffs, retrieved documents by rank. The first changed step
 * starts open. Every captured string is a text node.
 */
import type { JSX } from "preact";
import { useMemo, useState } from "preact/hooks";
import type { SpanRecord } from "../../core/contract";
import { diffSteps, type DocChange, type FieldChange, type MessageChange, type NumberDelta } from "../compare-model/span-diff";
import { foldUnchanged, type TextDiff } from "../compare-model/text-diff";
import type { StepPair } from "../compare-model/trace-diff";
import { formatDuration } from "../format";
import { formatCount, formatUsd } from "../detail-model/numbers";
import type { CompareStore, OpenComparison } from "../state/compare";

function formatValue(unit: NumberDelta["unit"], v: number): string {
  return unit === "usd" ? formatUsd(v) : unit === "ms" ? formatDuration(v) : formatCount(v);
}

function formatDelta(d: NumberDelta): string {
  if (d.delta === undefined) return "";
  if (d.delta === 0) return "±0";
  const sign = d.delta > 0 ? "+" : "−";
  return `${sign}${formatValue(d.unit, Math.abs(d.delta))}`;
}

/** Less is better for every number we show: tokens, cost, waits. */
const deltaClass = (d: NumberDelta): string => (d.delta === undefined || d.delta === 0 ? "" : d.delta > 0 ? "is-worse" : "is-better");

function Numbers({ numbers }: { numbers: NumberDelta[] }) {
  return (
    <dl class="cmp-numbers">
      {numbers.map((n) => (
        <div key={n.name} class="cmp-number" data-name={n.name}>
          <dt>{n.name}</dt>
          <dd>
            <span class="cmp-values">{n.before !== undefined ? formatValue(n.unit, n.before) : "–"} → {n.after !== undefined ? formatValue(n.unit, n.after) : "–"}</span>
            {n.delta !== undefined && <span class={`cmp-delta ${deltaClass(n)}`}>{formatDelta(n)}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function TextDiffView({ diff, label }: { diff: TextDiff; label: string }) {
  const [unfolded, setUnfolded] = useState(false);
  const shown = useMemo(() => (unfolded ? diff.ops : foldUnchanged(diff.ops)), [diff, unfolded]);
  if (diff.ops.length === 0) return <div class="muted">none</div>;
  return (
    <div class="cmp-text" aria-label={label}>
      {diff.coarse && <div class="muted cmp-note">{diff.coarse === "lines" ? "Large texts: compared line by line." : "Too different to compare word by word: shown whole."}</div>}
      <pre class="cmp-pre">
        {shown.map((o, i) => o.op === "fold"
          ? <button type="button" key={i} class="cmp-fold" title="Show the unchanged text" onClick={() => setUnfolded(true)}>… {formatCount(o.words)} unchanged words …</button>
          : o.op === "same" ? <span key={i}>{o.text}</span>
          : o.op === "added" ? <ins key={i} class="cmp-ins">{o.text}</ins>
          : <del key={i} class="cmp-del">{o.text}</del>)}
      </pre>
    </div>
  );
}

function Fields({ rows, label }: { rows: FieldChange[]; label: string }) {
  const changed = rows.filter((r) => r.change !== "same");
  const same = rows.length - changed.length;
  if (rows.length === 0) return null;
  return (
    <div class="cmp-section">
      <h4>{label}{changed.length === 0 ? <span class="muted"> · unchanged</span> : null}</h4>
      {changed.length > 0 && (
        <table class="cmp-fields" aria-label={label}>
          <tbody>
            {changed.map((r) => (
              <tr key={r.key} class={`is-${r.change}`}>
                <th scope="row">{r.key}</th>
                <td class="cmp-before">{r.before ?? ""}</td>
                <td class="cmp-arrow">→</td>
                <td class="cmp-after">{r.after ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {same > 0 && changed.length > 0 && <div class="muted">{same} unchanged</div>}
    </div>
  );
}

function Messages({ messages }: { messages: MessageChange[] }) {
  const [all, setAll] = useState(false);
  if (messages.length === 0) return null;
  const changed = messages.filter((m) => m.change !== "same").length;
  return (
    <div class="cmp-section">
      <h4>Messages{changed === 0 ? <span class="muted"> · unchanged</span> : null}</h4>
      {messages.map((m, i) => {
        // Unchanged messages fold into one line, unless asked for.
        if (m.change === "same" && !all) {
          if (i > 0 && messages[i - 1]!.change === "same") return null;
          let n = 0;
          while (messages[i + n]?.change === "same") n++;
          return <button type="button" key={i} class="cmp-fold" onClick={() => setAll(true)}>… {n} unchanged message{n === 1 ? "" : "s"} …</button>;
        }
        return (
          <div key={i} class={`cmp-message is-${m.change}`}>
            <span class="cmp-role">{m.role}</span>
            {m.change !== "same" && <span class="cmp-tag">{m.change}</span>}
            <TextDiffView diff={m.diff} label={`${m.role} message`} />
          </div>
        );
      })}
    </div>
  );
}

function Documents({ docs }: { docs: DocChange[] }) {
  if (docs.length === 0) return null;
  const score = (s?: number) => (s === undefined ? "" : s.toFixed(3));
  return (
    <div class="cmp-section">
      <h4>Documents</h4>
      <table class="cmp-fields" aria-label="Documents">
        <thead><tr><th>rank</th><th>document</th><th>score</th><th /></tr></thead>
        <tbody>
          {docs.map((d) => (
            <tr key={d.key} class={`is-${d.change}`}>
              <td>{d.before?.rank ?? "–"} → {d.after?.rank ?? "–"}</td>
              <td class="cmp-doc" title={d.content ?? d.key}>{d.key}{d.content && !d.key.startsWith("content:") ? ` · ${d.content.slice(0, 120)}` : ""}</td>
              <td>{score(d.before?.score)} → {score(d.after?.score)}</td>
              <td class="cmp-tag">{d.change}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Section({ label, diff }: { label: string; diff: TextDiff | undefined }) {
  if (!diff || diff.ops.length === 0) return null;
  return (
    <div class="cmp-section">
      <h4>{label}{diff.changed ? <span class="muted"> · +{diff.added} −{diff.removed} words</span> : <span class="muted"> · unchanged</span>}</h4>
      <TextDiffView diff={diff} label={label} />
    </div>
  );
}

function PairDetail({ pair }: { pair: StepPair<SpanRecord> }) {
  const diff = useMemo(() => diffSteps(pair.before?.span, pair.after?.span), [pair]);
  return (
    <div class="cmp-detail">
      <Section label="System instructions" diff={diff.system} />
      <Messages messages={diff.messages} />
      <Section label="Query" diff={diff.query} />
      <Section label="Arguments" diff={diff.toolArguments} />
      <Fields rows={diff.params} label="Parameters" />
      <Fields rows={diff.tools} label="Tool definitions" />
      <Section label="Output" diff={diff.output} />
      <Fields rows={diff.toolCalls} label="Tool calls" />
      <Section label="Result" diff={diff.toolResult} />
      <Documents docs={diff.documents} />
    </div>
  );
}

function stepFlags(pair: StepPair): string {
  if (!pair.before) return "only after";
  if (!pair.after) return "only before";
  const flags = [pair.promptChanged && "prompt changed", pair.outputChanged && "output changed"].filter(Boolean);
  return flags.length ? flags.join(" · ") : pair.changed ? "parameters changed" : "same";
}

function Side({ side }: { side: OpenComparison["before"] }) {
  return (
    <div class="cmp-side">
      <span class="cmp-side-label" title={side.label}>{side.label}</span>
      <span class="muted">{side.source} · {new Date(side.startTime).toLocaleTimeString("en-GB")}</span>
    </div>
  );
}

export function CompareView({ compare }: { compare: CompareStore }): JSX.Element | null {
  const open = compare.open.value;
  const firstChanged = open ? open.result.pairs.findIndex((p) => p.changed) : -1;
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set(firstChanged >= 0 ? [firstChanged] : []));
  if (!open) return null;
  const toggle = (i: number) => {
    const next = new Set(expanded);
    if (next.has(i)) next.delete(i);
    else next.add(i);
    setExpanded(next);
  };
  return (
    <section class="compare" aria-label="Compare">
      <header class="cmp-header">
        <h3>Compare {open.mode === "spans" ? "calls" : "traces"}</h3>
        <Side side={open.before} />
        <span class="cmp-vs">→</span>
        <Side side={open.after} />
        <button type="button" class="cmp-close" aria-label="Close compare" title="Close (Esc)" onClick={compare.close}>✕</button>
      </header>
      <div class="cmp-body">
        <div class="cmp-totals" aria-label="Totals">
          <Numbers numbers={open.result.totals} />
        </div>
        <ol class="cmp-steps" aria-label="Steps">
          {open.result.pairs.map((pair, i) => (
            <li key={i} class={`cmp-step ${pair.changed ? "is-changed" : ""}`}>
              <button type="button" class="cmp-step-head" aria-expanded={expanded.has(i)} onClick={() => toggle(i)}>
                <span class="cmp-chevron">{expanded.has(i) ? "▾" : "▸"}</span>
                <span class={`kind-dot kind-${(pair.after ?? pair.before)!.span.kind}`} />
                <span class="cmp-step-label">{pair.before?.label ?? "–"}{pair.before && pair.after && pair.before.label === pair.after.label ? "" : ` → ${pair.after?.label ?? "–"}`}</span>
                <span class="cmp-flags">{stepFlags(pair)}</span>
              </button>
              <Numbers numbers={pair.numbers.filter((n) => n.before !== undefined || n.after !== undefined)} />
              {expanded.has(i) && <PairDetail pair={pair} />}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
