/**
 * The Usage & cost tab: token counts exactly as the provider reported them, the cost from the
 * price table, and generation speed. Missing numbers are said to be missing, never estimated.
 */
import type { ComponentChildren } from "preact";
import { useMemo } from "preact/hooks";
import { costOf, PRICES_AS_OF, type Cost, type CostPart } from "../../../core/providers";
import type { Exchange, SpanRecord } from "../../../core/contract";
import { formatDuration } from "../../format";
import { formatCount, formatRate, formatRatePerSecond, formatUsd } from "../../detail-model/numbers";
import { timingOf } from "../../detail-model/timing";
import { useDetail } from "./detail-context";
import { KeyValues, Note, Section } from "./Section";

const NOT_REPORTED = <span class="dt-muted">not reported by the provider</span>;

const tokens = (span: SpanRecord, key: string): number | undefined => {
  const v = span.attributes[`gen_ai.usage.${key}`];
  return typeof v === "number" ? v : undefined;
};

const count = (n: number | undefined): ComponentChildren => (n === undefined ? NOT_REPORTED : formatCount(n));

const PART_LABELS: Record<CostPart, string> = {
  input: "Input (uncached)",
  cache_read: "Cached input (read)",
  cache_creation: "Cache write",
  output: "Output",
  reasoning: "Reasoning (billed as output)",
};

function CostTable({ cost }: { cost: Cost }) {
  return (
    <>
      <table class="dt-table dt-cost">
        <thead>
          <tr>
            <th>Tokens</th>
            <th class="dt-num">Count</th>
            <th class="dt-num">Price</th>
            <th class="dt-num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {cost.breakdown.map((l) => (
            <tr key={l.part}>
              <td>{PART_LABELS[l.part]}</td>
              <td class="dt-num">{formatCount(l.tokens)}</td>
              <td class="dt-num">{formatRate(l.rate)}</td>
              <td class="dt-num">{formatUsd(l.usd)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={3}>Total</td>
            <td class="dt-num">{formatUsd(cost.usd)}</td>
          </tr>
        </tfoot>
      </table>
      <Note>
        Priced as <span class="dt-mono">{cost.match.key}</span>
        {cost.match.custom ? " from your price table." : ` from the built-in list prices (${PRICES_AS_OF}); override them in Settings.`}
        {cost.missing.length > 0 && ` ${cost.missing.length === 2 ? "Input and output" : cost.missing[0] === "input" ? "Input" : "Output"} tokens were not reported, so they are not in the total.`}
      </Note>
    </>
  );
}

/** Why there is no cost, in the user's terms. */
function noCostReason(span: SpanRecord): string {
  const a = span.attributes;
  if (tokens(span, "input_tokens") === undefined && tokens(span, "output_tokens") === undefined) {
    return span.endTime === undefined ? "The cost is known once the provider reports usage, at the end of the response." : "No cost: the provider reported no token usage.";
  }
  const model = a["gen_ai.response.model"] ?? a["gen_ai.request.model"];
  if (model === undefined) return "No cost: the call does not name its model.";
  return `No price is known for “${String(model)}”. Add it to your price table in Settings.`;
}

export function UsageTab({ span, exchange }: { span: SpanRecord; exchange: Exchange | null | undefined }) {
  const prices = useDetail().prices.value;
  const cost = useMemo(() => costOf(span.attributes, prices), [span.attributes, prices]);
  const timing = useMemo(() => timingOf(span, exchange), [span, exchange]);
  const input = tokens(span, "input_tokens");
  const output = tokens(span, "output_tokens");
  const cacheRead = tokens(span, "cache_read.input_tokens");
  const cacheWrite = tokens(span, "cache_creation.input_tokens");
  const reasoning = tokens(span, "reasoning.output_tokens");
  const embedding = span.kind === "embedding";
  const dims = span.attributes["gen_ai.embeddings.dimension.count"];
  const inputs = span.attributes["llm_trace.embeddings.input_count"];
  return (
    <>
      <Section title="Tokens">
        <KeyValues
          rows={[
            ["Input", count(input)],
            (!embedding || cacheRead !== undefined) && ["of which cached (read)", count(cacheRead), false, true],
            cacheWrite !== undefined && ["of which cache write", count(cacheWrite), false, true],
            !embedding && ["Output", count(output)],
            !embedding && ["of which reasoning", count(reasoning), false, true],
            input !== undefined && (embedding || output !== undefined) && ["Total", formatCount(input + (output ?? 0))],
            embedding && dims !== undefined && ["Dimensions", String(dims)],
            embedding && inputs !== undefined && ["Inputs embedded", String(inputs)],
          ]}
        />
        {span.endTime === undefined && <Note>Streaming: counts arrive with the provider's final usage report.</Note>}
      </Section>
      <Section title="Cost">{cost ? <CostTable cost={cost} /> : <Note>{noCostReason(span)}</Note>}</Section>
      {!embedding && (
        <Section title="Speed">
          <KeyValues
            rows={[
              ["Time to first token", timing.ttft !== undefined ? formatDuration(timing.ttft) : <span class="dt-muted">not measured (not streamed)</span>],
              ["Output speed", timing.tokensPerSecond !== undefined ? `${formatRatePerSecond(timing.tokensPerSecond)} (${timing.rateBasis})` : <span class="dt-muted">needs output tokens and a duration</span>],
              ["Time per output token", timing.timePerOutputToken !== undefined ? formatDuration(timing.timePerOutputToken) : <span class="dt-muted">—</span>],
            ]}
          />
        </Section>
      )}
    </>
  );
}
