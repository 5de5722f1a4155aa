/**
 * The gen_ai.evaluation.result events of exported files, read from the raw JSON (not through
 * the extension's own reader): what another tool receiving the file would see.
 */
export type Evaluation = Record<string, string | number>;

/** Evaluation events by span id, from our HAR (`_span.events` on entries and `log._spans`). */
export function harEvaluations(text: string): Map<string, Evaluation[]> {
  const har = JSON.parse(text) as { log: { entries: { _span?: FileSpan }[]; _spans?: FileSpan[] } };
  const out = new Map<string, Evaluation[]>();
  for (const span of [...har.log.entries.map((e) => e._span), ...(har.log._spans ?? [])]) {
    const found = (span?.events ?? []).filter((e) => e.name === "gen_ai.evaluation.result").map((e) => e.attributes ?? {});
    if (span && found.length) out.set(span.spanId, found);
  }
  return out;
}

interface FileSpan {
  spanId: string;
  events?: { name: string; attributes?: Evaluation }[];
}

interface OtlpValue {
  stringValue?: string;
  doubleValue?: number;
  intValue?: string | number;
}

/** Evaluation events by span id (hex), from an OTLP/JSON ExportTraceServiceRequest. */
export function otlpEvaluations(text: string): Map<string, Evaluation[]> {
  const request = JSON.parse(text) as {
    resourceSpans: { scopeSpans: { spans: { spanId: string; events?: { name: string; attributes?: { key: string; value: OtlpValue }[] }[] }[] }[] }[];
  };
  const out = new Map<string, Evaluation[]>();
  for (const rs of request.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const found = (span.events ?? []).filter((e) => e.name === "gen_ai.evaluation.result").map((e) => Object.fromEntries(
          (e.attributes ?? []).map((a) => [a.key, a.value.stringValue ?? a.value.doubleValue ?? Number(a.value.intValue)]),
        ));
        if (found.length) out.set(span.spanId, found);
      }
    }
  }
  return out;
}
