// Streams a chat completion with fetch and posts back the text of its deltas, as an SDK would.
async function ask(path) {
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-worker-secret-0000000000000000" },
    body: JSON.stringify({ model: "gpt-e2e", stream: true, messages: [{ role: "user", content: "from a worker" }] }),
  });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let raw = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    raw += decoder.decode(value, { stream: true });
  }
  let text = "";
  for (const line of raw.split("\n")) {
    if (!line.startsWith("data: {")) continue;
    text += JSON.parse(line.slice(6)).choices[0]?.delta?.content ?? "";
  }
  return text;
}
self.onmessage = async (e) => self.postMessage(await ask(e.data));
self.onconnect = (e) => {
  const port = e.ports[0];
  port.onmessage = async (m) => port.postMessage(await ask(m.data));
};
