/** The Documents tab: what a retrieval asked for and what came back, ranked, with scores. */
import { useMemo } from "preact/hooks";
import type { SpanRecord } from "../../../core/contract";
import { parseDocuments } from "../../detail-model/documents";
import type { RetrievedDoc } from "../../detail-model/documents";
import { KeyValues, Note, Section } from "./Section";
import { TruncatedText } from "./TruncatedText";
import { Unparsed } from "./Unparsed";

function ScoreCell({ doc }: { doc: RetrievedDoc }) {
  if (doc.score === undefined) return <span class="dt-muted">—</span>;
  return (
    <span class="dt-score">
      <span class="dt-score-bar" aria-hidden="true">
        <span style={{ width: `${Math.round((doc.bar ?? 0) * 100)}%` }} />
      </span>
      <span class="dt-num">{Number(doc.score.toPrecision(4))}</span>
    </span>
  );
}

export function DocumentsTab({ span }: { span: SpanRecord }) {
  const a = span.attributes;
  const result = useMemo(() => parseDocuments(a["gen_ai.retrieval.documents"]), [a["gen_ai.retrieval.documents"]]);
  const query = a["gen_ai.retrieval.query.text"];
  const source = a["gen_ai.data_source.id"];
  const topK = a["gen_ai.request.top_k"];
  return (
    <>
      <Section title="Query">
        <KeyValues
          rows={[
            ["Query", typeof query === "string" ? <TruncatedText text={query} limit={600} lines={6} /> : <span class="dt-muted">not captured (the request may send only a vector)</span>, typeof query !== "string"],
            source !== undefined && ["Data source", String(source)],
            topK !== undefined && ["Top k", String(topK)],
          ]}
        />
      </Section>
      <Section title="Documents" aside={result?.ok ? result.docs.length : undefined}>
        {!result ? (
          <Note>No documents were captured.</Note>
        ) : !result.ok ? (
          <Unparsed what="gen_ai.retrieval.documents" raw={result.raw} />
        ) : result.docs.length === 0 ? (
          <Note>The retrieval returned no documents.</Note>
        ) : (
          <table class="dt-table dt-docs">
            <thead>
              <tr>
                <th class="dt-num">#</th>
                <th>ID</th>
                <th>Score</th>
                <th>Content</th>
              </tr>
            </thead>
            <tbody>
              {result.docs.map((d) => (
                <tr key={d.rank}>
                  <td class="dt-num">{d.rank}</td>
                  <td class="dt-mono">{d.id ?? <span class="dt-muted">—</span>}</td>
                  <td>
                    <ScoreCell doc={d} />
                  </td>
                  <td>{d.content !== undefined ? <TruncatedText text={d.content} limit={280} lines={4} /> : <span class="dt-muted">not returned</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}
