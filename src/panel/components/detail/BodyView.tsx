/**
 * A request or response body: a JSON tree when it is JSON (with a Raw switch), else text.
 * Parsed once per body text; only expanded parts of the tree are ever rendered.
 */
import { useMemo, useState } from "preact/hooks";
import { parseJsonContainer } from "../../detail-model/json-preview";
import { JsonTree } from "./JsonTree";
import { TruncatedText } from "./TruncatedText";
import { ViewToggle } from "./ViewToggle";

/** Small bodies open three levels deep, big ones two (long arrays stay closed either way: see JsonTree). */
const deepOpenBelow = 20_000;

export function BodyView({ text }: { text: string }) {
  const json = useMemo(() => parseJsonContainer(text), [text]);
  const [mode, setMode] = useState<"tree" | "raw">("tree");
  if (json === undefined) return <TruncatedText text={text} limit={20_000} lines={400} class="dt-code" />;
  return (
    <div class="dt-body">
      <div class="dt-body-bar">
        <ViewToggle label="Body view" value={mode} onChange={(v) => setMode(v)} options={[["tree", "Tree"], ["raw", "Raw"]]} />
      </div>
      {mode === "tree" ? (
        <JsonTree value={json} expandDepth={text.length < deepOpenBelow ? 3 : 2} class="dt-code" />
      ) : (
        <TruncatedText text={text} limit={20_000} lines={400} class="dt-code" />
      )}
    </div>
  );
}
