// The demo support bot: ordinary browser code calling model APIs the way apps do (fetch with
// SSE parsing, an XHR stream, a tool loop). The extension needs nothing from it.
const API = location.origin; // the mock server answers the provider APIs on the same origin
const log = document.getElementById("log");

function say(kind, text = "") {
  const li = document.createElement("li");
  li.className = kind;
  li.textContent = text;
  log.append(li);
  li.scrollIntoView({ block: "end" });
  return li;
}

async function* sseEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      if (data) yield data;
    }
  }
}

const TOOLS = [{
  type: "function",
  function: {
    name: "check_account_status",
    description: "Look up whether a customer's account is active or locked.",
    parameters: { type: "object", properties: { email: { type: "string" } }, required: ["email"] },
  },
}];
// ?system=... replaces the system prompt: the same question asked under two prompts is what the
// panel's Compare is for.
const SYSTEM = new URLSearchParams(location.search).get("system") ?? "You are Acme's support assistant. Answer briefly using the documents and tools.";

async function retrieve(question) {
  const emb = await fetch(`${API}/v1/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-demo-not-a-real-key" },
    body: JSON.stringify({ model: "text-embedding-3-small", input: question }),
  }).then((r) => r.json());
  const search = await fetch(`${API}/collections/support-docs/points/search`, {
    method: "POST",
    headers: { "content-type": "application/json", "api-key": "qdrant-demo-key" },
    body: JSON.stringify({ vector: emb.data[0].embedding, limit: 3, with_payload: true }),
  }).then((r) => r.json());
  return search.result.map((hit) => hit.payload.text);
}

async function streamChat(messages, bubble) {
  const response = await fetch(`${API}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-demo-not-a-real-key" },
    body: JSON.stringify({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, temperature: 0.2, tools: TOOLS, messages }),
  });
  if (!response.ok) throw new Error(`chat failed: ${response.status}`);
  const calls = [];
  let text = "";
  for await (const data of sseEvents(response)) {
    if (data === "[DONE]") break;
    const chunk = JSON.parse(data);
    const delta = chunk.choices[0]?.delta ?? {};
    if (delta.content) bubble.textContent = text += delta.content;
    for (const call of delta.tool_calls ?? []) {
      calls[call.index] ??= { id: call.id, type: "function", function: { name: call.function?.name, arguments: "" } };
      calls[call.index].function.arguments += call.function?.arguments ?? "";
    }
  }
  return { text, calls };
}

async function ask(question) {
  say("user", question);
  const docs = await retrieve(question);
  say("note", `retrieved ${docs.length} documents`);
  const messages = [
    { role: "system", content: `${SYSTEM}\n\nDocuments:\n${docs.map((d, i) => `[${i + 1}] ${d}`).join("\n")}` },
    { role: "user", content: question },
  ];
  let bubble = say("bot");
  let turn = await streamChat(messages, bubble);
  while (turn.calls.length) {
    messages.push({ role: "assistant", content: null, tool_calls: turn.calls });
    for (const call of turn.calls) {
      const args = JSON.parse(call.function.arguments);
      say("note", `tool ${call.function.name}(${call.function.arguments})`);
      const result = await fetch(`${API}/tools/account-status?email=${encodeURIComponent(args.email)}`).then((r) => r.json());
      messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
    }
    bubble.remove();
    bubble = say("bot");
    turn = await streamChat(messages, bubble);
  }
}

async function agent() {
  say("user", "Agent: is ada@example.com's account OK, and when did she last sign in?");
  const tools = [
    { name: "check_account_status", description: "Account status by email", input_schema: { type: "object", properties: { email: { type: "string" } } } },
    { name: "recent_sign_ins", description: "Recent sign-ins by email", input_schema: { type: "object", properties: { email: { type: "string" } } } },
  ];
  const messages = [{ role: "user", content: "Is ada@example.com's account OK, and when did she last sign in?" }];
  for (let step = 0; step < 5; step++) {
    const response = await fetch(`${API}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "sk-ant-demo-not-a-real-key", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "claude-3-5-haiku-latest", max_tokens: 512, stream: true, system: "You are a careful account agent.", tools, messages }),
    });
    const content = [];
    let stop = null;
    let json = "";
    const bubble = say("bot");
    for await (const data of sseEvents(response)) {
      const event = JSON.parse(data);
      if (event.type === "content_block_start") {
        content[event.index] = { ...event.content_block };
        json = "";
      } else if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
        content[event.index].text += event.delta.text;
        bubble.textContent += event.delta.text;
      } else if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") {
        json += event.delta.partial_json;
      } else if (event.type === "content_block_stop" && content[event.index].type === "tool_use") {
        content[event.index].input = JSON.parse(json || "{}");
      } else if (event.type === "message_delta") {
        stop = event.delta.stop_reason;
      }
    }
    messages.push({ role: "assistant", content });
    if (stop !== "tool_use") return;
    const results = [];
    for (const block of content.filter((b) => b.type === "tool_use")) {
      say("note", `tool ${block.name}(${JSON.stringify(block.input)})`);
      const path = block.name === "recent_sign_ins" ? "recent-sign-ins" : "account-status";
      const result = await fetch(`${API}/tools/${path}?email=${encodeURIComponent(block.input.email)}`).then((r) => r.json());
      results.push({ type: "tool_result", tool_use_id: block.id, content: JSON.stringify(result) });
    }
    messages.push({ role: "user", content: results });
  }
}

async function summary() {
  say("user", "Summarize the password policy.");
  performance.mark("llm-trace:start", { detail: { name: "summarize policy" } });
  const response = await fetch(`${API}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-demo-not-a-real-key" },
    body: JSON.stringify({ model: "gpt-4.1-mini", stream: true, instructions: "Summarize in one sentence.", input: "Password reset links last 30 minutes; locked accounts unlock after 15 minutes." }),
  });
  const bubble = say("bot");
  for await (const data of sseEvents(response)) {
    const event = JSON.parse(data);
    if (event.type === "response.output_text.delta") bubble.textContent += event.delta;
  }
  performance.mark("llm-trace:end");
}

function tip() {
  say("user", "Give me a security tip.");
  const bubble = say("bot");
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${API}/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse&key=AIza-demo-not-a-real-key`);
    xhr.setRequestHeader("content-type", "application/json");
    let seen = 0;
    xhr.onprogress = () => {
      const fresh = xhr.responseText.slice(seen);
      const complete = fresh.lastIndexOf("\r\n\r\n");
      if (complete < 0) return;
      seen += complete + 4;
      for (const line of fresh.slice(0, complete).split("\r\n")) {
        if (!line.startsWith("data: ")) continue;
        bubble.textContent += JSON.parse(line.slice(6)).candidates[0].content.parts[0].text;
      }
    };
    xhr.onloadend = resolve;
    xhr.send(JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Give me one account security tip." }] }], generationConfig: { temperature: 0.7, maxOutputTokens: 64 } }));
  });
}

async function rateLimited() {
  say("user", "(this request is rejected with 429)");
  const response = await fetch(`${API}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-demo-not-a-real-key" },
    body: JSON.stringify({ model: "gpt-overloaded", messages: [{ role: "user", content: "hello?" }] }),
  });
  const body = await response.json();
  say("error", `${response.status}: ${body.error.message}`);
}

function guard(fn) {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (error) {
      say("error", String(error));
    }
  };
}

document.getElementById("chat").addEventListener("submit", guard(async (event) => {
  event.preventDefault();
  const prompt = document.getElementById("prompt");
  await ask(prompt.value.trim() || "How do I reset my account password?");
}));
document.getElementById("agent").addEventListener("click", guard(agent));
document.getElementById("summary").addEventListener("click", guard(summary));
document.getElementById("tip").addEventListener("click", guard(tip));
document.getElementById("error").addEventListener("click", guard(rateLimited));
