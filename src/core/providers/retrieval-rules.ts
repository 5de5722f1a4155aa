/**
 * Applying a user rule (rules.ts) of kind "retrieval" or "tool" to an exchange. Kind "llm" needs
 * no parser of its own: classify.ts forces the model-API routing for it.
 */
import { handleHttpError, readJsonBody } from "./body";
import type { Ctx } from "./context";
import type { DraftBuilder } from "./draft";
import { hostLabel } from "./hosts";
import { isObj, strings } from "./json";
import { doc, textOf } from "./retrieval-docs";
import type { RetrievalRequest, RetrievedDoc } from "./retrieval-docs";
import { defaultQueryText, findScoredChunks } from "./retrieval-heuristic";
import { parseRetrieval } from "./retrieval";
import { parsePath, selectPath } from "./rules";
import type { UserRule } from "./rules";

/** Characters of tool arguments / result kept on the span (the exchange keeps the bodies). */
export const MAX_TOOL_TEXT = 8000;

function capText(s: string): string {
  return s.length > MAX_TOOL_TEXT ? `${s.slice(0, MAX_TOOL_TEXT)}…[${s.length} chars]` : s;
}

function asText(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** The rule's query: a path into the request JSON, or (a bare name) a URL query parameter. */
function ruleQuery(ctx: Ctx, rule: UserRule): string | undefined {
  const path = rule.queryPath?.trim();
  if (!path) return defaultQueryText(ctx);
  const v = selectPath(ctx.req, path);
  const s = strings(v)?.join(", ") ?? (typeof v === "number" ? String(v) : undefined);
  if (s !== undefined) return s;
  return /^[\w.-]+$/.test(path) ? ctx.url?.searchParams.get(path) ?? undefined : undefined;
}

const SCORES = ["score", "similarity", "relevance", "relevance_score", "_score", "distance"];

function ruleDocs(body: unknown, rule: UserRule): RetrievedDoc[] | undefined {
  const path = rule.documentsPath?.trim();
  if (!path) return findScoredChunks(body) ?? (Array.isArray(body) ? ruleItems(body, rule) : undefined);
  const selected = selectPath(body, path);
  return Array.isArray(selected) ? ruleItems(selected, rule) : undefined;
}

function ruleItems(items: unknown[], rule: UserRule): RetrievedDoc[] {
  const field = (item: unknown, p: string | undefined): unknown => (p && p.trim() && typeof parsePath(p.trim()) !== "string" ? selectPath(item, p.trim()) : undefined);
  return items.map((item) => {
    const o = isObj(item) ? item : undefined;
    const id = rule.idPath ? field(item, rule.idPath) : (o?.id ?? o?._id);
    const score = rule.scorePath ? field(item, rule.scorePath) : SCORES.map((k) => o?.[k]).find((v) => typeof v === "number");
    const content = rule.contentPath ? asText(field(item, rule.contentPath)) : typeof item === "string" ? item : textOf(item);
    return doc(id, score, content);
  });
}

export function parseRuleRetrieval(ctx: Ctx, b: DraftBuilder, rule: UserRule): string | undefined {
  // The rule names the data source; the service behind the URL is the user's own, so no provider.
  const request: RetrievalRequest = {
    dataSource: rule.name?.trim() || ctx.path || "/",
    query: ruleQuery(ctx, rule),
    readDocs: (body) => ruleDocs(body, rule),
  };
  return parseRetrieval(ctx, b, request);
}

/**
 * An HTTP endpoint the page calls as a tool. gen_ai.tool.type is "extension": OTel's name for a
 * tool run on the agent side (here, the page) that calls an external API directly.
 */
export function parseRuleTool(ctx: Ctx, b: DraftBuilder, rule: UserRule): void {
  b.kind = "tool";
  b.operation = "execute_tool";
  const toolName = rule.toolName?.trim() || rule.name?.trim() || ctx.path.split("/").filter(Boolean).pop() || hostLabel(ctx.url);
  b.set("gen_ai.tool.name", toolName);
  b.set("gen_ai.tool.type", "extension");
  const args = rule.queryPath?.trim() ? selectPath(ctx.req, rule.queryPath.trim()) : (ctx.req ?? ctx.ex.request.body?.text);
  const argsText = asText(args);
  if (argsText !== undefined && argsText !== "") b.set("gen_ai.tool.call.arguments", capText(argsText));
  if (handleHttpError(ctx, b)) return;
  if (!ctx.complete) return;
  const text = ctx.text();
  if (text === "") return;
  let result: string | undefined = text;
  if (rule.documentsPath?.trim()) {
    const body = readJsonBody(ctx, b);
    result = body === undefined ? undefined : asText(selectPath(body, rule.documentsPath.trim()));
  }
  if (result !== undefined) b.set("gen_ai.tool.call.result", capText(result));
}
