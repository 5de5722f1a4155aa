// A page whose model calls run in workers, where the page hook cannot see them: a dedicated
// worker and a shared one, each streaming a chat completion and posting back what it read.
const out = document.getElementById("out");
const done = (e) => {
  out.textContent += e.data + "\n";
  (window.workerAnswers ??= []).push(e.data);
};
const worker = new Worker("worker.js");
worker.onmessage = done;
window.askWorker = (path) => worker.postMessage(path);
let shared;
window.askSharedWorker = (path) => {
  shared ??= new SharedWorker("worker.js", { name: "shared" });
  shared.port.onmessage = done;
  shared.port.postMessage(path);
};
