// OpenAI Realtime over WebRTC, as a browser client speaks it: the page opens the "oai-events"
// data channel on its RTCPeerConnection and exchanges Realtime events on it. The other end is a
// second peer in this page, answering as the API does (session.created, then per response.create:
// response.created, text deltas after DELAY_MS, response.done with usage). It receives its channel
// through the `datachannel` event, which the extension leaves alone.
const DELAY_MS = 120;
const MODEL = "gpt-realtime-webrtc-mock";

async function connect() {
  const client = new RTCPeerConnection();
  const server = new RTCPeerConnection();
  client.onicecandidate = (e) => e.candidate && server.addIceCandidate(e.candidate);
  server.onicecandidate = (e) => e.candidate && client.addIceCandidate(e.candidate);
  const events = client.createDataChannel("oai-events");
  server.ondatachannel = (e) => serve(e.channel);
  await client.setLocalDescription(await client.createOffer());
  await server.setRemoteDescription(client.localDescription);
  await server.setLocalDescription(await server.createAnswer());
  await client.setRemoteDescription(server.localDescription);
  await new Promise((resolve) => events.addEventListener("open", resolve, { once: true }));
  return { client, server, events };
}

function serve(channel) {
  let n = 0;
  let said = "";
  const send = (e) => channel.send(JSON.stringify({ event_id: `event_${++n}`, ...e }));
  const start = () => send({ type: "session.created", session: { id: "sess_rtc", object: "realtime.session", type: "realtime", model: MODEL, instructions: "", tools: [] } });
  if (channel.readyState === "open") start();
  else channel.addEventListener("open", start, { once: true });
  channel.onmessage = async (m) => {
    const e = JSON.parse(m.data);
    if (e.type === "conversation.item.create") said = e.item.content.map((c) => c.text).join("");
    if (e.type !== "response.create") return;
    const id = `resp_${++n}`;
    const text = `Over WebRTC you said: ${said}`;
    send({ type: "response.created", response: { id, object: "realtime.response", status: "in_progress", output: [] } });
    await new Promise((r) => setTimeout(r, DELAY_MS));
    const itemId = `item_${++n}`;
    for (const piece of text.match(/.{1,8}/g)) send({ type: "response.output_text.delta", response_id: id, item_id: itemId, output_index: 0, content_index: 0, delta: piece });
    send({ type: "response.output_text.done", response_id: id, item_id: itemId, output_index: 0, content_index: 0, text });
    const item = { id: itemId, type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text }] };
    send({ type: "response.done", response: { id, object: "realtime.response", status: "completed", output: [item], usage: { total_tokens: 31, input_tokens: 20, output_tokens: 11 } } });
  };
}

/** One question over the channel; resolves with the text the client assembled from the deltas. */
window.askOverWebRTC = async (question) => {
  const { client, server, events } = await connect();
  const answered = new Promise((resolve) => {
    let text = "";
    events.addEventListener("message", (m) => {
      const e = JSON.parse(m.data);
      if (e.type === "response.output_text.delta") text += e.delta;
      if (e.type === "response.done") resolve({ text, usage: e.response.usage });
    });
  });
  events.send(JSON.stringify({ type: "session.update", session: { type: "realtime", instructions: "Be brief." } }));
  events.send(JSON.stringify({ type: "conversation.item.create", item: { type: "message", role: "user", content: [{ type: "input_text", text: question }] } }));
  events.send(JSON.stringify({ type: "response.create" }));
  const result = await answered;
  events.close();
  client.close();
  server.close();
  return { ...result, delayMs: DELAY_MS, model: MODEL };
};
