// Five support questions, each a Chat Completions call with the page's API key (see
// test/e2e/support/dataset-mock.ts): the calls the dataset tests keep and run again.
const SYSTEM = "You are Acme's support assistant. Answer in one short sentence.";
const KEY = "sk-dataset-page-key-0123456789abcdef";
const QUESTIONS = [
  "What is the capital of France?",
  "How long is a password reset link valid?",
  "What is 2 + 2?",
  "Can I change my email address?",
  "Do you ship to Canada?",
];

document.getElementById("ask-all").addEventListener("click", async () => {
  for (const question of QUESTIONS) {
    const res = await fetch("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: "gpt-4o-mini", temperature: 0.2, messages: [{ role: "system", content: SYSTEM }, { role: "user", content: question }] }),
    });
    const data = await res.json();
    const li = document.createElement("li");
    li.textContent = data.choices[0].message.content;
    document.getElementById("answers").append(li);
  }
  document.body.dataset.done = "1";
});
