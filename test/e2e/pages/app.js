// Calls the e2e tests make from inside a page: fetch and XHR against the test server.
window.calls = {
  async json() {
    const r = await fetch("/api/json?key=SECRET_URL_KEY_123", {
      headers: { authorization: "Bearer SECRET_BEARER_123", "x-api-key": "SECRET_X_API_KEY_123" },
    });
    return r.json();
  },
  async postJson() {
    const r = await fetch("/api/echo", {
      method: "POST",
      headers: { "content-type": "application/json", "api-key": "SECRET_AZURE_KEY_123", cookie: "session=SECRET_COOKIE_123" },
      body: JSON.stringify({ model: "test-model", messages: [{ role: "user", content: "hello" }] }),
    });
    return r.json();
  },
  async sse(n = 5) {
    const r = await fetch(`/api/sse?n=${n}&delay=5&split=1`);
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    return { url: r.url, text };
  },
  xhr(responseType = "") {
    return new Promise((resolve, reject) => {
      const x = new XMLHttpRequest();
      x.open("POST", "/api/echo");
      x.setRequestHeader("content-type", "application/json");
      x.setRequestHeader("x-goog-api-key", "SECRET_GOOG_KEY_123");
      x.responseType = responseType;
      x.onload = () => resolve({ status: x.status, response: responseType === "" ? x.responseText : x.response });
      x.onerror = () => reject(new Error("xhr error"));
      x.send(JSON.stringify({ via: "xhr" }));
    });
  },
  xhrSse() {
    return new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open("GET", "/api/sse?n=8&delay=5&split=1");
      x.onloadend = () => resolve(x.responseText);
      x.send();
    });
  },
  async status(code) {
    const r = await fetch(`/api/status?code=${code}`);
    return { status: r.status, body: await r.text() };
  },
  async failing() {
    try {
      await fetch("http://127.0.0.1:1/unreachable");
      return "resolved";
    } catch (e) {
      return `${e.name}: ${e.constructor.name}`;
    }
  },
  async many(n, prefix = "m") {
    const out = [];
    for (let i = 0; i < n; i++) {
      const r = await fetch(`/api/json?${prefix}=${i}`);
      out.push(r.status);
      await r.text();
    }
    return out.length;
  },
};
