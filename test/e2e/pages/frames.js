// Requests made from inside frames the hook must reach: srcdoc and about:blank iframes.
window.calls = {
  async fromSrcdoc() {
    const frame = document.getElementById("srcdoc");
    if (frame.contentDocument?.readyState !== "complete") await new Promise((r) => frame.addEventListener("load", r, { once: true }));
    const r = await frame.contentWindow.fetch("/api/json?frame=srcdoc");
    return r.status;
  },
  async fromBlank() {
    const frame = document.createElement("iframe");
    document.body.append(frame);
    // Let the browser set the new frame up (and inject content scripts) before using it.
    await new Promise((r) => setTimeout(r, 50));
    const r = await frame.contentWindow.fetch(`${location.origin}/api/json?frame=blank`);
    return r.status;
  },
};
