/** An attribute that is not the JSON it should be is still shown, as it was captured. */
import { Note } from "./Section";
import { TruncatedText } from "./TruncatedText";

export function Unparsed({ what, raw }: { what: string; raw: string }) {
  return (
    <>
      <Note tone="warn">{what} is not in the OpenTelemetry format; shown as captured.</Note>
      <TruncatedText text={raw} class="dt-code" />
    </>
  );
}
