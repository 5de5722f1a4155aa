/** HTTP headers in the order sent, redacted values marked. */
import type { Header } from "../../../core/contract";
import { RedactedText } from "./RedactedText";
import { Note } from "./Section";

export function HeadersTable({ headers }: { headers: readonly Header[] }) {
  if (headers.length === 0) return <Note>No headers recorded.</Note>;
  return (
    <dl class="dt-kv dt-headers">
      {headers.map(([name, value], i) => (
        <div class="dt-kv-row" key={i}>
          <dt class="dt-mono">{name}</dt>
          <dd class="dt-mono">
            <RedactedText text={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
