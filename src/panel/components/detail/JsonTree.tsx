/**
 * A collapsible JSON tree after DevTools' object viewer, built for megabyte bodies: a node's
 * children are rendered only while it is expanded, a hundred at a time, and long strings are
 * cut with "show more". Nothing is walked ahead of what is on screen.
 */
import { useState } from "preact/hooks";
import { childCount, isContainer, keyText, preview } from "../../detail-model/json-preview";
import { formatCount } from "../../detail-model/numbers";

const PAGE = 100;
const STRING_LIMIT = 300;
const STRING_STEP = 50_000;

function JsonString({ value }: { value: string }) {
  const [shown, setShown] = useState(STRING_LIMIT);
  // JSON escapes keep a multi-line string on its row, as DevTools shows it.
  const hidden = value.length - shown;
  return (
    <span class="json-string">
      {JSON.stringify(hidden > 0 ? value.slice(0, shown) : value)}
      {hidden > 0 && (
        <>
          {"…"}
          <button type="button" class="dt-link" onClick={() => setShown(shown + STRING_STEP)}>
            show more ({formatCount(hidden)} chars)
          </button>
        </>
      )}
    </span>
  );
}

export function JsonValue({ value }: { value: unknown }) {
  if (typeof value === "string") return <JsonString value={value} />;
  if (typeof value === "number") return <span class="json-number">{String(value)}</span>;
  if (typeof value === "boolean" || value === null) return <span class="json-literal">{String(value)}</span>;
  return <span class="json-preview">{preview(value)}</span>;
}

function Children({ value, depth, expandDepth }: { value: object; depth: number; expandDepth: number }) {
  const [limit, setLimit] = useState(PAGE);
  const isArray = Array.isArray(value);
  const keys = isArray ? undefined : Object.keys(value);
  const total = isArray ? value.length : keys!.length;
  const rows = [];
  for (let i = 0; i < Math.min(limit, total); i++) {
    const key = isArray ? String(i) : keys![i]!;
    rows.push(<JsonNode key={key} name={key} index={isArray} value={(value as Record<string, unknown>)[key]} depth={depth + 1} expandDepth={expandDepth} />);
  }
  return (
    <div>
      {rows}
      {total > limit && (
        <div class="json-row" style={{ paddingLeft: `${(depth + 1) * 12 + 12}px` }}>
          <button type="button" class="dt-link" onClick={() => setLimit(limit + PAGE)}>
            Show {Math.min(PAGE, total - limit)} more ({formatCount(total - limit)} of {formatCount(total)} not shown)
          </button>
        </div>
      )}
    </div>
  );
}

interface NodeProps {
  name?: string;
  /** The name is an array index (shown unquoted, muted). */
  index?: boolean;
  value: unknown;
  depth: number;
  expandDepth: number;
}

/** Long arrays (embedding vectors, lists of rows) read better as a preview until asked for. */
const AUTO_OPEN_MAX_CHILDREN = 20;

function JsonNode({ name, index, value, depth, expandDepth }: NodeProps) {
  const container = isContainer(value) && childCount(value) > 0;
  const [open, setOpen] = useState(container && depth < expandDepth && (name === undefined || childCount(value) <= AUTO_OPEN_MAX_CHILDREN));
  const label = name === undefined ? null : (
    <>
      <span class={index ? "json-index" : "json-key"}>{index ? name : keyText(name)}</span>
      <span class="json-colon">: </span>
    </>
  );
  const indent = { paddingLeft: `${depth * 12}px` };
  if (!container) {
    return (
      <div class="json-row" style={indent}>
        <span class="json-toggle-space" />
        {label}
        {isContainer(value) ? <span class="json-preview">{Array.isArray(value) ? "[]" : "{}"}</span> : <JsonValue value={value} />}
      </div>
    );
  }
  const summary = Array.isArray(value) ? `Array(${value.length})` : open ? "{…}" : preview(value);
  return (
    <>
      <div class="json-row" style={indent}>
        <button type="button" class="json-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          <span class="json-arrow" aria-hidden="true">{open ? "▾" : "▸"}</span>
          {label}
          <span class="json-preview">{Array.isArray(value) && !open ? preview(value) : summary}</span>
        </button>
      </div>
      {open && <Children value={value} depth={depth} expandDepth={expandDepth} />}
    </>
  );
}

/**
 * The tree of `value`; nodes shallower than `expandDepth` start expanded. `flat` shows an
 * object's or array's members without a root row (tool arguments, schemas: the root adds nothing).
 */
export function JsonTree({ value, expandDepth = 1, flat = false, class: cls = "" }: { value: unknown; expandDepth?: number; flat?: boolean; class?: string }) {
  const asMembers = flat && isContainer(value) && childCount(value) > 0;
  return (
    <div class={`json-tree ${cls}`}>
      {asMembers ? <Children value={value} depth={-1} expandDepth={expandDepth - 1} /> : <JsonNode value={value} depth={0} expandDepth={expandDepth} />}
    </div>
  );
}
