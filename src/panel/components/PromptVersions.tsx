/**
 * Prompt versions (docs/DESIGN.md, "Compare and replay"): for each place in the app that calls a
 * model (endpoint, model family, tool set), the system prompts it used, numbered by first use,
 * with their counts, median tokens and latency and error rate. One click compares a version with
 * the one before it (their latest calls).
 */
import { useMemo } from "preact/hooks";
import type { SpanRecord } from "../../core/contract";
import { promptVersions, type PromptVersion } from "../compare-model/prompt-versions";
import { formatCount } from "../detail-model/numbers";
import { formatDuration } from "../format";
import { sideOfSpan, type CompareStore } from "../state/compare";

const latest = (v: PromptVersion<SpanRecord>): SpanRecord => v.spans[v.spans.length - 1]!;
const firstLine = (text: string): string => (text.trim() === "" ? "(no system prompt)" : text.trim().split("\n")[0]!.slice(0, 160));

export function PromptVersions({ compare, spans, source }: { compare: CompareStore; spans: readonly SpanRecord[]; source: string }) {
  const prompts = useMemo(() => promptVersions(spans), [spans]);
  return (
    <section class="compare versions" aria-label="Prompt versions">
      <header class="cmp-header">
        <h3>Prompt versions</h3>
        <span class="muted">calls from one place (endpoint, model family, tools) whose system prompts differ</span>
        <button type="button" class="cmp-close" aria-label="Close prompt versions" onClick={() => (compare.showVersions.value = false)}>✕</button>
      </header>
      <div class="cmp-body">
        {prompts.length === 0 && <div class="muted pad">No call site has used more than one system prompt in this session.</div>}
        {prompts.map((p) => (
          <div key={p.key} class="cmp-section version-group">
            <h4>{p.endpoint} · {p.modelFamily}{p.tools.length ? ` · tools: ${p.tools.join(", ")}` : ""}</h4>
            <table class="cmp-fields versions-table" aria-label={`Versions of ${p.endpoint} ${p.modelFamily}`}>
              <thead><tr><th>version</th><th>system prompt</th><th>calls</th><th>tokens in / out</th><th>latency</th><th>errors</th><th /></tr></thead>
              <tbody>
                {p.versions.map((v, i) => (
                  <tr key={v.number} data-version={v.number}>
                    <th scope="row">v{v.number}</th>
                    <td class="cmp-doc" title={v.system}>{firstLine(v.system)}</td>
                    <td>{v.count}</td>
                    <td>{v.medianInputTokens !== undefined ? formatCount(v.medianInputTokens) : "–"} / {v.medianOutputTokens !== undefined ? formatCount(v.medianOutputTokens) : "–"}</td>
                    <td>{v.medianDurationMs !== undefined ? formatDuration(v.medianDurationMs) : "–"}</td>
                    <td>{Math.round(v.errorRate * 100)}%</td>
                    <td>{i > 0 && (
                      <button type="button" aria-label={`Compare v${p.versions[i - 1]!.number} with v${v.number}`}
                        onClick={() => compare.compare(sideOfSpan(latest(p.versions[i - 1]!), source, `v${p.versions[i - 1]!.number}`), sideOfSpan(latest(v), source, `v${v.number}`), "spans", true)}>
                        Compare with v{p.versions[i - 1]!.number}
                      </button>
                    )}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      </div>
    </section>
  );
}
