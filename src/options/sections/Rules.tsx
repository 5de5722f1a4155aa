/**
 * Classification rules as a form: each rule asks only for the fields its kind reads
 * (core/rules.ts RULE_FIELDS), a kind change drops the others, and a pasted sample previews what
 * the rule makes of a call (rule-preview.ts) before it is saved.
 */
import { useSignal, type Signal } from "@preact/signals";
import { RULE_FIELDS, validateRules } from "../../core/providers";
import type { RuleError, RuleKind, UserRule } from "../../core/providers";
import { previewRule } from "../rule-preview";
import type { SettingsStore } from "../store";

type Field = (typeof RULE_FIELDS)[RuleKind][number];

const KIND_LABELS: Record<RuleKind, string> = {
  llm: "Model call (llm)",
  retrieval: "Retrieval (a search)",
  tool: "Tool (an API the page calls for the model)",
};

/** Each kind's fields, labelled in its own terms, with an example. */
const FIELD_LABELS: Record<RuleKind, Partial<Record<Field, [label: string, example: string]>>> = {
  llm: {
    name: ["Provider name (else the host's)", "support-bot"],
    modelPath: ["Model: JSON path in the request, else the response", "model"],
    inputPath: ["Input: path in the request JSON (messages or a prompt)", "messages"],
    outputPath: ["Output: path in the response JSON (in a stream, in each event)", "answer"],
  },
  retrieval: {
    name: ["Data source name", "help center"],
    queryPath: ["Query: path in the request JSON, or a URL parameter", "query"],
    documentsPath: ["Documents: path to the list in the response JSON", "results"],
    idPath: ["Document id: path in one document", "id"],
    scorePath: ["Score: path in one document", "score"],
    contentPath: ["Text: path in one document", "text"],
  },
  tool: {
    toolName: ["Tool name", "check_account_status"],
    queryPath: ["Arguments: path in the request JSON (else the whole body)", "arguments"],
    documentsPath: ["Result: path in the response JSON (else the whole body)", "data"],
  },
};

/** The rule with only what `kind` reads (a tool's old `name` becomes its toolName). */
function forKind(rule: UserRule, kind: RuleKind): UserRule {
  const out: UserRule = { urlPattern: rule.urlPattern, kind };
  const source: Partial<UserRule> = kind === "tool" && !rule.toolName && rule.name ? { ...rule, toolName: rule.name, name: undefined } : rule;
  for (const field of RULE_FIELDS[kind]) {
    const v = source[field];
    if (v !== undefined && v !== "") (out as unknown as Record<string, unknown>)[field] = v;
  }
  return out;
}

/** The rules being edited (the saved ones until the first edit), their problems and samples. */
interface RulesDraft {
  draft: Signal<UserRule[] | undefined>;
  errors: Signal<RuleError[]>;
  samples: Signal<Record<number, { request: string; response: string }>>;
  current(): UserRule[];
  update(index: number, next: UserRule): void;
}

function useRulesDraft(store: SettingsStore): RulesDraft {
  const draft = useSignal<UserRule[] | undefined>(undefined);
  const errors = useSignal<RuleError[]>([]);
  const samples = useSignal<Record<number, { request: string; response: string }>>({});
  const current = (): UserRule[] => draft.value ?? store.settings.value.rules;
  return {
    draft, errors, samples, current,
    update(index, next) {
      draft.value = current().map((r, i) => (i === index ? next : r));
      errors.value = errors.value.filter((e) => e.index !== index);
    },
  };
}

function RuleEditor({ rule, index, edit: { draft, errors, samples, current, update } }: { rule: UserRule; index: number; edit: RulesDraft }) {
  const mine = errors.value.filter((e) => e.index === index);
  const errorOf = (field: string) => mine.find((e) => e.field === field)?.message;
  const kind: RuleKind = rule.kind in RULE_FIELDS ? rule.kind : "llm";
  const labels = FIELD_LABELS[kind];
  const sample = samples.value[index] ?? { request: "", response: "" };
  const preview = sample.request.trim() || sample.response.trim() ? previewRule(forKind(rule, kind), sample) : undefined;
  const set = (field: keyof UserRule, value: string) => update(index, { ...rule, [field]: value === "" ? undefined : value });
  const setSample = (part: "request" | "response", value: string) => (samples.value = { ...samples.value, [index]: { ...sample, [part]: value } });
  return (
    <div class="rule" role="group" aria-label={`Rule ${index + 1}`}>
      <div class="row">
        <label class="inline">URL pattern
          <input type="text" aria-label="URL pattern" placeholder="*/api/answer" value={rule.urlPattern} size={34}
            onInput={(e) => set("urlPattern", e.currentTarget.value)} />
        </label>
        <label class="inline">Kind
          <select aria-label="Kind" value={kind} onChange={(e) => update(index, forKind(rule, e.currentTarget.value as RuleKind))}>
            {(Object.keys(KIND_LABELS) as RuleKind[]).map((k) => <option key={k} value={k}>{KIND_LABELS[k]}</option>)}
          </select>
        </label>
        <button type="button" aria-label={`Remove rule ${index + 1}`} onClick={() => {
          draft.value = current().filter((_, i) => i !== index);
          errors.value = [];
          samples.value = {};
        }}>Remove</button>
      </div>
      {errorOf("urlPattern") && <p class="error">{errorOf("urlPattern")}</p>}
      <div class="rule-fields">
        {(Object.keys(labels) as Field[]).map((field) => {
          const [label, example] = labels[field]!;
          const error = errorOf(field);
          return (
            <label key={field}>
              {label}
              <input type="text" aria-label={label} placeholder={example} value={(field === "toolName" ? rule.toolName ?? rule.name : rule[field]) ?? ""}
                aria-invalid={error ? "true" : undefined} onInput={(e) => set(field, e.currentTarget.value)} />
              {error && <span class="error">{error}</span>}
            </label>
          );
        })}
      </div>
      {mine.filter((e) => e.field !== "urlPattern" && !(e.field in labels)).map((e, i) => <p key={i} class="error">{e.message}</p>)}
      {/* A rule saved before fields were checked per kind: what it has that its kind does not read. */}
      {validateRules([rule]).filter((e) => e.inapplicable).map((e) => (
        <p key={e.field} class="error">{e.message}. It is ignored, and removed when you save.</p>
      ))}
      <details class="rule-preview">
        <summary>Try it on a sample</summary>
        <div class="rule-sample">
          <label>Request body (JSON)
            <textarea aria-label="Sample request body" rows={4} placeholder='{ "question": "How do I reset my password?" }' value={sample.request}
              onInput={(e) => setSample("request", e.currentTarget.value)} />
          </label>
          <label>Response body (JSON, SSE or NDJSON)
            <textarea aria-label="Sample response body" rows={4} placeholder='{ "answer": "Open Settings, then Security.", "model": "gpt-4o-mini" }' value={sample.response}
              onInput={(e) => setSample("response", e.currentTarget.value)} />
          </label>
        </div>
        {preview && (preview.ok
          ? <dl class="rule-result" aria-label="Preview">{preview.rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
          : <p class="error">{preview.error}</p>)}
      </details>
    </div>
  );
}

export function RulesSection({ store }: { store: SettingsStore }) {
  const edit = useRulesDraft(store);
  const { draft, errors } = edit;
  const savedNote = useSignal("");
  const rules = edit.current();
  return (
    <fieldset>
      <legend>Classification rules</legend>
      <p class="muted">Teach the extension your own endpoints: a URL pattern (* any run of characters, ? one) and what the
        endpoint is. Each kind asks for what it reads, as JSON paths such as <code>data.items[0].text</code>. A model call's
        paths say where its model, input and output are; without them a known wire format is parsed as usual, and an
        app's own JSON is read by common names (answer, output, text…). The first matching rule wins over built-in detection.</p>
      {rules.map((rule, i) => <RuleEditor key={i} rule={rule} index={i} edit={edit} />)}
      <div class="row">
        <button type="button" onClick={() => (draft.value = [...rules, { urlPattern: "", kind: "llm" }])}>Add a classification rule</button>
        <button type="button" onClick={() => {
          const cleaned = rules.map((r) => forKind(r, r.kind in RULE_FIELDS ? r.kind : "llm"));
          const problems = validateRules(cleaned);
          errors.value = problems;
          savedNote.value = "";
          if (problems.length === 0) {
            draft.value = cleaned;
            void store.save({ rules: cleaned });
          } else {
            savedNote.value = `Not saved: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`} above.`;
          }
        }}>Save rules</button>
        <span class="error" role="status">{savedNote.value}</span>
      </div>
    </fieldset>
  );
}
