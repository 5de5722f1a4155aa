/** The panel toolbar, laid out like DevTools' Network toolbar. */
import type { Ref } from "preact";
import type { SpanKind } from "../../core/contract";
import { KIND_CHIPS, type TraceStore } from "../state/traces";
import { Icon } from "./Icon";

const KIND_LABEL: Record<SpanKind, string> = {
  llm: "Model", tool: "Tool", retrieval: "Retrieval", embedding: "Embedding", http: "HTTP", interaction: "Interaction", agent: "Agent",
};

export interface ToolbarProps {
  traces: TraceStore;
  recording: boolean;
  onToggleRecording(): void;
  preserveLog: boolean;
  onPreserveLog(value: boolean): void;
  groupByConversation: boolean;
  onGroupByConversation(value: boolean): void;
  onClear(): void;
  onOpenInWindow?: () => void;
  onOpenSettings(): void;
  filterRef: Ref<HTMLInputElement>;
  status: string;
  datasetsOpen: boolean;
  onToggleDatasets(): void;
  /** Extra controls (import/export) supplied by the app. */
  children?: preact.ComponentChildren;
}

export function Toolbar(props: ToolbarProps) {
  const { traces } = props;
  return (
    <div class="toolbar" role="toolbar" aria-label="Panel actions">
      <button type="button" class={`icon-button record ${props.recording ? "is-on" : ""}`} aria-pressed={props.recording}
        aria-label={props.recording ? "Stop recording" : "Record"} title={props.recording ? "Stop recording this tab's model calls" : "Record this tab's model calls"}
        onClick={props.onToggleRecording}>
        <span class="record-dot" />
      </button>
      <button type="button" class="icon-button" aria-label="Clear" title="Clear this tab's traces" onClick={props.onClear}><Icon name="clear" /></button>
      <span class="divider" />
      <input ref={props.filterRef} class="filter" type="search" placeholder="Filter"
        title="Text in prompts and outputs, or model:  provider:  kind:  status:error  is:streaming  tool:  score:down  label:  is:reviewed  -term"
        aria-label="Filter" value={traces.query.value} onInput={(e) => (traces.query.value = e.currentTarget.value)}
        onKeyDown={(e) => { if (e.key === "Escape") { traces.query.value = ""; e.currentTarget.blur(); } }} />
      <label class="check" title="Keep traces when the page navigates">
        <input type="checkbox" checked={props.preserveLog} onChange={(e) => props.onPreserveLog(e.currentTarget.checked)} /> Preserve log
      </label>
      <label class="check" title="List the turns of each conversation together, oldest first">
        <input type="checkbox" checked={props.groupByConversation} onChange={(e) => props.onGroupByConversation(e.currentTarget.checked)} /> Group by conversation
      </label>
      <span class="divider" />
      <div class="chips" role="group" aria-label="Kinds">
        {KIND_CHIPS.map((kind) => (
          <button key={kind} type="button" class={`chip ${traces.kinds.value.has(kind) ? "is-on" : ""}`} aria-pressed={traces.kinds.value.has(kind)}
            onClick={() => traces.toggleKind(kind)}>{KIND_LABEL[kind]}</button>
        ))}
        <button type="button" class={`chip chip-error ${traces.errorsOnly.value ? "is-on" : ""}`} aria-pressed={traces.errorsOnly.value}
          onClick={() => (traces.errorsOnly.value = !traces.errorsOnly.value)}>Errors</button>
      </div>
      <span class="spacer" />
      <button type="button" class={`text-button ${props.datasetsOpen ? "is-on" : ""}`} aria-pressed={props.datasetsOpen}
        title="Datasets of model calls, and regression runs" onClick={props.onToggleDatasets}>Datasets</button>
      <span class="status" aria-live="polite">{props.status}</span>
      {props.children}
      {props.onOpenInWindow && <button type="button" class="icon-button" aria-label="Open in window" title="Open this panel in its own window" onClick={props.onOpenInWindow}><Icon name="open-window" /></button>}
      <button type="button" class="icon-button" aria-label="Settings" title="Settings" onClick={props.onOpenSettings}><Icon name="settings" /></button>
    </div>
  );
}
