// The same test server under its other name (127.0.0.1 <-> localhost): another site, as an
// embedded widget or ad would be.
const other = location.hostname === "127.0.0.1" ? "localhost" : "127.0.0.1";
const frame = document.createElement("iframe");
frame.id = "widget";
frame.src = `http://${other}:${location.port}/pages/app.html?widget`;
document.body.append(frame);
