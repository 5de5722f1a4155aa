self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (e) => {
  const url = new URL(e.request.url);
  if (!url.pathname.includes("/proxy/")) return;
  e.respondWith(fetch(`/api/chat-sse?n=2&who=sw-${url.searchParams.get("who")}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-e2e", stream: true, messages: [{ role: "user", content: "from a service worker" }] }),
  }));
});
