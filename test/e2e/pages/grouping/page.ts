/**
 * The grouping test page (issue 16): a support page calling models through the official openai
 * SDK in browser mode, as a person clicks, with scripts of its own that start calls nobody
 * clicked for. Bundled and served by test/e2e/support/grouping-site.ts; grouping.spec.ts (and
 * its Firefox twin) clicks and reads what the extension stored.
 *
 * Each piece of work adds its name to <body data-done> when it is over, so tests wait for that,
 * never for a time. The page's own calls start 300 ms after the answer, from a timer, as a
 * page's refreshes, prefetches and polls do.
 */
import OpenAI from "openai";

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type ToolCall = { id: string; name: string; arguments: string };

const KEY = "sk-test-not-a-real-key";
const client = new OpenAI({ apiKey: KEY, dangerouslyAllowBrowser: true, maxRetries: 2 });
/** For the calls a page lets fail (a sidebar it can live without). */
const once = new OpenAI({ apiKey: KEY, dangerouslyAllowBrowser: true, maxRetries: 0 });
const MODEL = "gpt-4o-mini";

const accountTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: "function",
  function: {
    name: "check_account_status",
    description: "Look up whether a customer's account is active or locked.",
    parameters: { type: "object", properties: { email: { type: "string" } }, required: ["email"] },
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function done(name: string): void {
  const list = (document.body.dataset.done ?? "").split(" ").filter(Boolean);
  document.body.dataset.done = [...list, name].join(" ");
}

function say(text: string): void {
  const li = document.createElement("li");
  li.textContent = text;
  document.getElementById("log")!.append(li);
}

/** A streamed chat, read as apps read it: the text and the tool calls. */
async function chat(messages: Message[], options: { tools?: boolean; model?: string; sdk?: OpenAI } = {}): Promise<{ text: string; calls: ToolCall[] }> {
  const stream = await (options.sdk ?? client).chat.completions.create({
    model: options.model ?? MODEL,
    stream: true,
    messages,
    ...(options.tools ? { tools: [accountTool] } : {}),
  });
  let text = "";
  const calls: ToolCall[] = [];
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta;
    if (delta?.content) text += delta.content;
    for (const d of delta?.tool_calls ?? []) {
      const c = (calls[d.index] ??= { id: "", name: "", arguments: "" });
      if (d.id) c.id = d.id;
      if (d.function?.name) c.name += d.function.name;
      if (d.function?.arguments) c.arguments += d.function.arguments;
    }
  }
  return { text, calls };
}

/** The tool loop: run each call (one request to the app's API, then `work` ms more), send the results back. */
async function answerWithTools(messages: Message[], work = 0): Promise<string> {
  let turn = await chat(messages, { tools: true });
  while (turn.calls.length) {
    messages.push({ role: "assistant", content: null, tool_calls: turn.calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })) });
    for (const call of turn.calls) {
      const { email } = JSON.parse(call.arguments) as { email: string };
      const result = await fetch(`/tools/account-status?email=${encodeURIComponent(email)}`).then((r) => r.json());
      if (work) await sleep(work);
      messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
    }
    turn = await chat(messages, { tools: true });
  }
  messages.push({ role: "assistant", content: turn.text });
  return turn.text;
}

async function retrieve(question: string): Promise<string[]> {
  const embedding = await client.embeddings.create({ model: "text-embedding-3-small", input: question });
  const search = await fetch("/collections/support-docs/points/search", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ vector: embedding.data[0]!.embedding, limit: 3, with_payload: true }),
  }).then((r) => r.json() as Promise<{ result: { payload: { text: string } }[] }>);
  return search.result.map((hit) => hit.payload.text);
}

/** What the page's scripts start on their own: a tip banner, a prefetch for the help widget, a sidebar summary that fails. */
async function pageScripts(): Promise<void> {
  await Promise.allSettled([
    chat([{ role: "system", content: "You write one-line product tips." }, { role: "user", content: "Give today's tip about security." }]),
    retrieve("security help topics"),
    chat([{ role: "user", content: "Summarize this page for the sidebar." }], { model: "gpt-4o-mini-overloaded", sdk: once }),
  ]);
  done("scripts");
}

// The support bot: retrieval, the page building its prompt, the model with a tool, the tool, the model.
document.getElementById("chat")!.addEventListener("submit", (event) => {
  event.preventDefault();
  void (async () => {
    const question = (document.getElementById("prompt") as HTMLTextAreaElement).value;
    const docs = await retrieve(question);
    await sleep(1_200);
    const answer = await answerWithTools([
      { role: "system", content: `You are Acme's support assistant.\n\nDocuments:\n${docs.join("\n")}` },
      { role: "user", content: question },
    ]);
    say(answer);
    done("support");
    setTimeout(() => void pageScripts(), 300);
  })();
});

// A quick answer; 300 ms later a script's call that fails.
document.getElementById("quick")!.addEventListener("click", () => {
  void (async () => {
    say((await chat([{ role: "user", content: "What are your opening hours?" }])).text);
    done("quick");
    setTimeout(() => {
      void chat([{ role: "user", content: "Refresh the status banner." }], { model: "gpt-4o-mini-overloaded", sdk: once })
        .catch(() => undefined)
        .then(() => done("quick-script"));
    }, 300);
  })();
});

// A tool that keeps working for 3 s after its request, before the next model call.
document.getElementById("slow-tool")!.addEventListener("click", () => {
  void answerWithTools([{ role: "user", content: "Is my account locked?" }], 2_900).then((text) => {
    say(text);
    done("slow-tool");
  });
});

// A model that answers 429 first: the SDK waits and sends the same request again.
document.getElementById("busy")!.addEventListener("click", () => {
  void chat([{ role: "user", content: `What do you do? (${crypto.randomUUID()})` }], { model: "gpt-4o-mini-overloaded-once" }).then(({ text }) => {
    say(text);
    done("busy");
  });
});

// Two buttons a person clicks one after the other: each one's work continues while the other's runs.
document.getElementById("summarize")!.addEventListener("click", () => {
  void (async () => {
    const messages: Message[] = [{ role: "user", content: "Summarize my account status." }];
    await answerWithTools(messages);
    messages.push({ role: "user", content: "Now say it in one sentence." });
    say((await chat(messages, { tools: true })).text);
    done("summarize");
  })();
});
document.getElementById("translate")!.addEventListener("click", () => {
  void (async () => {
    const messages: Message[] = [{ role: "user", content: "Translate 'Your order has shipped' into French." }];
    const first = await chat(messages);
    messages.push({ role: "assistant", content: first.text }, { role: "user", content: "Shorter, please." });
    say((await chat(messages)).text);
    done("translate");
  })();
});

// A chat: Enter sends the question with the conversation so far.
const history: Message[] = [{ role: "system", content: "You are Acme's support assistant." }];
let turns = 0;
document.getElementById("followup")!.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.shiftKey) return;
  event.preventDefault();
  const box = event.currentTarget as HTMLTextAreaElement;
  history.push({ role: "user", content: box.value });
  box.value = "";
  void chat(history).then(({ text }) => {
    history.push({ role: "assistant", content: text });
    say(text);
    done(`turn-${++turns}`);
  });
});
