/** Rendered Markdown or the text exactly as captured, for every message on show. */
import { useDetail } from "./detail-context";
import { ViewToggle } from "./ViewToggle";

export function TextViewToggle() {
  const { textView } = useDetail();
  return (
    <div class="dt-text-bar">
      <ViewToggle label="Message text" options={[["rendered", "Rendered"], ["raw", "Raw text"]]} value={textView.value} onChange={(v) => (textView.value = v)} />
    </div>
  );
}
