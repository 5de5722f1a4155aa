/**
 * The model the dataset e2e tests talk to: an OpenAI Chat Completions endpoint that answers
 * each of five questions with a fixed text, deterministically, and differently for two of them
 * when the system prompt asks for a pirate. It refuses calls without an Authorization header,
 * so a run that reaches it was sent with the page's credentials (or ones given for the run).
 */
import type { Route } from "./server";

export const SUPPORT_PROMPT = "You are Acme's support assistant. Answer in one short sentence.";
export const PIRATE_PROMPT = "You are Acme's support assistant. Answer like a pirate.";
export const PAGE_KEY = "sk-dataset-page-key-0123456789abcdef";

/** Question -> answer; the pirate answers only where given (the other three stay the same). */
export const QUESTIONS: { question: string; answer: string; pirate?: string }[] = [
  { question: "What is the capital of France?", answer: "Paris." },
  { question: "How long is a password reset link valid?", answer: "The link is valid for 30 minutes.", pirate: "Arr, the link be valid for 30 minutes, matey." },
  { question: "What is 2 + 2?", answer: "4" },
  { question: "Can I change my email address?", answer: "Yes, under Settings, Account.", pirate: "Aye, under Settings, Account, ye landlubber." },
  { question: "Do you ship to Canada?", answer: "Yes, we ship to Canada." },
];

type Json = Record<string, unknown>;

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === "object" && p && typeof (p as Json).text === "string" ? (p as Json).text : "")).join("");
  return "";
}

export const datasetRoutes: Record<string, Route> = {
  "/v1/chat/completions": (req, res, _url, raw) => {
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    res.setHeader("content-type", "application/json");
    if (!req.headers.authorization?.startsWith("Bearer sk-")) {
      res.statusCode = 401;
      return void res.end(JSON.stringify({ error: { type: "invalid_request_error", message: "No API key provided." } }));
    }
    let body: Json = {};
    try {
      body = JSON.parse(raw.toString("utf8")) as Json;
    } catch {
      res.statusCode = 400;
      return void res.end(JSON.stringify({ error: { type: "invalid_request_error", message: "not JSON" } }));
    }
    const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
    const system = messages.filter((m) => m.role === "system").map((m) => textOf(m.content)).join("\n");
    const question = textOf([...messages].reverse().find((m) => m.role === "user")?.content);
    const known = QUESTIONS.find((q) => q.question === question);
    const pirate = /pirate/i.test(system);
    const answer = !known ? "I don't know." : pirate && known.pirate ? known.pirate : known.answer;
    const model = typeof body.model === "string" ? body.model : "gpt-4o-mini";
    res.end(JSON.stringify({
      id: `chatcmpl-ds-${QUESTIONS.indexOf(known!) + 1}`, object: "chat.completion", created: 1_700_000_000, model,
      choices: [{ index: 0, message: { role: "assistant", content: answer }, finish_reason: "stop" }],
      usage: { prompt_tokens: 20 + question.length, completion_tokens: answer.split(" ").length, total_tokens: 20 + question.length + answer.split(" ").length },
    }));
  },
};
