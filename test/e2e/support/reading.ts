/**
 * Issue 20, "Read it like the chat it was", shared by the Chromium and Firefox specs: the calls a
 * page makes to the demo's mock (a Markdown answer with a table and code, hostile markup, image
 * inputs, an audio answer, extended thinking, a 500-message history), and the checks of each
 * renderer in the panel, run inside the panel page so Playwright and puppeteer drive them alike.
 */

/** What both browsers' page objects offer. */
export interface Evaluator {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

export const MODELS = {
  markdown: "gpt-4o-markdown",
  hostile: "gpt-4o-hostile",
  vision: "gpt-4o-vision",
  audio: "gpt-4o-audio-preview",
  thinking: "claude-sonnet-4-thinking",
  long: "gpt-4o-long-history",
  geminiThinking: "gemini-2.5-flash-thinking",
  conversation: "gpt-4o-conversation",
} as const;

export const HOSTILE_PROMPT = `hostile: <img src=x onerror="window.__xss='prompt-img'"> <script>window.__xss='prompt-script'</script> [x](javascript:window.__xss='prompt-link')`;

/** In the page: every call of the scenario, one after another. */
export async function makeReadingCalls({ models, hostile }: { models: typeof MODELS; hostile: string }): Promise<void> {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }).then((r) => r.text());
  const chat = (model: string, messages: unknown[], extra: Record<string, unknown> = {}) => post("/v1/chat/completions", { model, messages, ...extra });
  await chat(models.markdown, [{ role: "user", content: "Explain the password reset in markdown, with a table and code." }]);
  await chat(models.hostile, [{ role: "user", content: hostile }]);
  // A drawn 64×48 PNG (larger than what a span keeps inline), an SVG carrying script, and a remote image.
  const canvas = document.createElement("canvas");
  canvas.width = 64;
  canvas.height = 48;
  const g = canvas.getContext("2d")!;
  g.fillStyle = "#1a73e8";
  g.fillRect(0, 0, 64, 48);
  g.fillStyle = "#fbbc04";
  g.beginPath();
  g.arc(32, 24, 14, 0, Math.PI * 2);
  g.fill();
  for (let i = 0; i < 200; i++) {
    g.fillStyle = `hsl(${i * 37}, 70%, 50%)`;
    g.fillRect((i * 7) % 64, (i * 11) % 48, 2, 2);
  }
  const png = canvas.toDataURL("image/png");
  const svg = `data:image/svg+xml;base64,${btoa(`<svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss='svg-image'"><script>window.__xss='svg-script'</script><image href="https://tracker.example.com/svg.png"/></svg>`)}`;
  await chat(models.vision, [{ role: "user", content: [
    { type: "text", text: "What is in these pictures?" },
    { type: "image_url", image_url: { url: png } },
    { type: "image_url", image_url: { url: svg } },
    { type: "image_url", image_url: { url: "https://images.example.com/photo.jpg" } },
  ] }]);
  await chat(models.audio, [{ role: "user", content: "Say that my account is fine." }], { modalities: ["text", "audio"], audio: { voice: "alloy", format: "wav" }, stream: true });
  await post("/v1/messages", { model: models.thinking, max_tokens: 2000, stream: true, thinking: { type: "enabled", budget_tokens: 1024 }, messages: [{ role: "user", content: "Why was my account locked? Show redacted thinking too." }] }, { "anthropic-version": "2023-06-01" });
  // Gemini's thoughts, with their token count in the usage.
  await post(`/v1beta/models/${models.geminiThinking}:streamGenerateContent?alt=sse`, { contents: [{ role: "user", parts: [{ text: "Any security tip?" }] }], generationConfig: { thinkingConfig: { includeThoughts: true } } });
  const history: unknown[] = [];
  for (let i = 0; i < 500; i++) {
    history.push(i % 2 === 0
      ? { role: "user", content: `Question ${i}: what about **item ${i}**?` }
      : { role: "assistant", content: `Answer ${i}: item ${i - 1} is fine.\n\n- point one\n- point two` });
  }
  history[499] = { role: "user", content: "Question 499: the last one." };
  await chat(models.long, history);
}

/**
 * In the page: turn `n` of a chat that sends its history each time (a conversation the extension
 * derives from message continuity). Each turn is marked (llm-trace:start/end), so each is a trace
 * of its own.
 */
export async function conversationTurn({ n, model }: { n: number; model: string }): Promise<void> {
  const w = window as unknown as { __history?: { role: string; content: string }[] };
  const history = (w.__history ??= []);
  history.push({ role: "user", content: `Turn ${n}: tell me about step ${n}.` });
  performance.mark("llm-trace:start", { detail: { name: `conversation turn ${n}` } });
  const res = await fetch("/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model, messages: history }) }).then((r) => r.json() as Promise<{ choices: { message: { content: string } }[] }>);
  history.push({ role: "assistant", content: res.choices[0]!.message.content });
  performance.mark("llm-trace:end");
}

/** In the panel: the chat entries on show, as "turn n", "step kind" or the role (+ " tool call"). */
export function chatOrder(): string[] {
  return [...document.querySelectorAll(".detail-pane .chat-turn, .detail-pane .chat-message, .detail-pane .chat-step")].map((e) =>
    e.classList.contains("chat-turn") ? `turn ${/Turn (\d+)/.exec(e.textContent ?? "")?.[1]}`
      : e.classList.contains("chat-step") ? `step ${e.querySelector(".dt-kind")?.textContent}`
      : `${e.querySelector(".dt-message-role")?.firstChild?.textContent}${e.querySelector(".dt-tool-call") ? " tool call" : ""}`);
}

/** In the panel: show the span of `model` in `tab`, through the filter; true once shown. */
export async function showSpan(arg: { model: string; tab: string }): Promise<boolean> {
  const filter = document.querySelector<HTMLInputElement>('input[aria-label="Filter"]')!;
  if (filter.value !== `model:${arg.model}`) {
    filter.value = `model:${arg.model}`;
    filter.dispatchEvent(new Event("input", { bubbles: true }));
    return false;
  }
  const row = [...document.querySelectorAll<HTMLElement>(".trace-row")][0];
  if (!row) return false;
  if (!row.classList.contains("is-selected")) {
    row.click();
    return false;
  }
  const span = [...document.querySelectorAll<HTMLElement>(".wf-row")].find((r) => r.textContent?.includes(arg.model));
  if (!span) return false;
  if (!span.classList.contains("is-selected")) {
    span.click();
    return false;
  }
  const tab = [...document.querySelectorAll<HTMLElement>('[role="tab"]')].find((t) => t.textContent === arg.tab);
  if (!tab) return false;
  if (tab.getAttribute("aria-selected") !== "true") {
    tab.click();
    return false;
  }
  return document.querySelector(".detail-pane .dt-panel") !== null;
}

/** In the panel: what the detail pane shows, for the checks. */
export function detailFacts(): {
  text: string;
  tables: number; tableRows: number; headings: string[]; keywords: number; codeLangs: string[]; urls: string[];
  forbidden: string[]; handlers: number; xss: unknown;
  thumbs: { src: string; width: number }[]; audios: { src: string; duration: number }[];
  reasoning: { open: boolean; summary: string }[]; redacted: number; messages: number; lazy: number;
} {
  const pane = document.querySelector(".detail-pane")!;
  const all = [...pane.querySelectorAll("*")];
  return {
    text: (pane as HTMLElement).innerText,
    tables: pane.querySelectorAll(".md table").length,
    tableRows: pane.querySelectorAll(".md table tr").length,
    headings: [...pane.querySelectorAll(".md h1, .md h2, .md h3")].map((h) => h.textContent ?? ""),
    keywords: pane.querySelectorAll(".md-code .hl-keyword").length,
    codeLangs: [...pane.querySelectorAll(".md-code-lang")].map((e) => e.textContent ?? ""),
    urls: [...pane.querySelectorAll(".md-url")].map((e) => e.textContent ?? ""),
    // Elements captured markup could have become (the panel's own thumbnails are checked apart; the review bar holds only the panel's own icons).
    forbidden: all.filter((e) => ["SCRIPT", "IFRAME", "SVG", "svg", "STYLE", "A", "B", "OBJECT", "EMBED", "FORM", "LINK", "META", "BASE"].includes(e.tagName) || (e.tagName === "IMG" && !e.closest(".dt-thumb, .dt-lightbox"))).filter((e) => !e.closest(".review-bar")).map((e) => e.outerHTML.slice(0, 80)),
    handlers: all.filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name) || /javascript:/i.test(a.value))).length,
    xss: (window as unknown as { __xss?: unknown }).__xss,
    thumbs: [...pane.querySelectorAll<HTMLImageElement>(".dt-thumb img")].map((i) => ({ src: i.src, width: i.naturalWidth })),
    audios: [...pane.querySelectorAll<HTMLAudioElement>("audio")].map((a) => ({ src: a.src, duration: a.duration })),
    reasoning: [...pane.querySelectorAll<HTMLDetailsElement>("details.dt-reasoning")].map((d) => ({ open: d.open, summary: d.querySelector("summary")?.textContent ?? "" })),
    redacted: pane.querySelectorAll(".dt-reasoning-redacted").length,
    messages: pane.querySelectorAll(".dt-message").length,
    lazy: pane.querySelectorAll(".dt-lazy").length,
  };
}

/** In the panel: click a button of the detail pane by its text. */
export function clickButton(text: string): boolean {
  const button = [...document.querySelectorAll<HTMLElement>(".detail-pane button")].find((b) => b.textContent?.trim() === text);
  button?.click();
  return button !== undefined;
}
