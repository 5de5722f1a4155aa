/** A captured value with its `[REDACTED:reason]` marks shown apart, so nobody mistakes them for data. */
import { splitRedactions } from "../../detail-model/redaction";

export function RedactedText({ text }: { text: string }) {
  const segments = splitRedactions(text);
  if (segments.length === 1 && segments[0]!.redacted === undefined) return <>{text}</>;
  return (
    <>
      {segments.map((s, i) =>
        s.redacted === undefined ? (
          s.text
        ) : (
          <span key={i} class="dt-redacted" title={`Value removed before storage (${s.redacted})`}>
            {s.text}
          </span>
        ),
      )}
    </>
  );
}
