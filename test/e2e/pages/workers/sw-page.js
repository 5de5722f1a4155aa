// A page whose service worker answers /pages/workers/proxy/* by calling the model itself: the
// page's own request is the hook's; the worker's upstream call is not.
window.swReady = navigator.serviceWorker.register("sw.js").then(() => navigator.serviceWorker.ready).then(() => {
  if (navigator.serviceWorker.controller) return true;
  return new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", () => r(true), { once: true }));
});
window.askProxy = async (who) => (await fetch(`proxy/chat?who=${who}`, { method: "POST", body: "{}" })).text();
