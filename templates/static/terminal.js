// One environment's shell in xterm.js over /ws/terminal/{id}: fitted to the window, resized
// with it, and resumed after a dropped connection (same session id, so the server replays).
"use strict";

const environmentId = decodeURIComponent(location.pathname.split("/")[2] || "");
const sessionKey = `sandboxd.session.${environmentId}`;
const connection = document.getElementById("connection");
const overlay = document.getElementById("overlay");

const term = new Terminal({
  cursorBlink: true,
  fontFamily: '"JetBrains Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
  fontSize: 14,
  scrollback: 5000,
  theme: { background: "#0f141a", foreground: "#d8dee9", cursor: "#7dd3fc", selectionBackground: "#334155" },
});
const fit = new FitAddon.FitAddon();
term.loadAddon(fit);

let socket = null;
let exited = false;
let retryDelay = 500;

function sessionId() {
  let id = sessionStorage.getItem(sessionKey);
  if (!id) {
    id = crypto.randomUUID();
    sessionStorage.setItem(sessionKey, id);
  }
  return id;
}

function setConnection(text, state) {
  connection.textContent = text;
  connection.className = `connection connection-${state}`;
}

function showOverlay(message) {
  overlay.textContent = message;
  overlay.hidden = !message;
}

function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

function onFrame(frame) {
  switch (frame.type) {
    case "output":
      term.write(frame.data);
      break;
    case "connected":
      retryDelay = 500;
      setConnection(frame.data.resumed ? "connected · resumed" : "connected", "up");
      showOverlay("");
      term.focus();
      break;
    case "error":
      term.write(`\r\n\x1b[31m${frame.data}\x1b[0m\r\n`);
      break;
    case "exit":
      exited = true;
      sessionStorage.removeItem(sessionKey);
      term.write(`\r\n\x1b[33m${frame.data}\x1b[0m\r\n`);
      setConnection("shell ended", "down");
      document.getElementById("new-shell").hidden = false;
      break;
    case "ping":
      send({ type: "pong" });
      break;
  }
}

function connect() {
  exited = false;
  document.getElementById("new-shell").hidden = true;
  document.getElementById("reconnect").hidden = true;
  setConnection("connecting", "pending");
  const params = { session: sessionId(), cols: term.cols, rows: term.rows };
  socket = new WebSocket(wsUrl(`/ws/terminal/${encodeURIComponent(environmentId)}`, params));
  socket.onmessage = (event) => {
    try {
      onFrame(JSON.parse(event.data));
    } catch (_) {
      // Not JSON: nothing this page asked for.
    }
  };
  socket.onclose = (event) => onClosed(event);
}

async function onClosed(event) {
  socket = null;
  if (exited) return;
  // The shell may still be there: the server keeps it for a grace period, so try again.
  const environment = await loadEnvironment().catch(() => null);
  if (!environment || !connectable(environment)) {
    setConnection("disconnected", "down");
    return;
  }
  setConnection(`disconnected${event.reason ? ` (${event.reason})` : ""}, retrying`, "pending");
  document.getElementById("reconnect").hidden = false;
  setTimeout(() => {
    if (!socket && !exited) connect();
  }, retryDelay);
  retryDelay = Math.min(retryDelay * 2, 10000);
}

// A paused environment is resumed by the terminal's own connection.
function connectable(environment) {
  return environment.status === "running" || environment.status === "paused";
}

async function loadEnvironment() {
  const environment = await api("GET", `/api/containers/${encodeURIComponent(environmentId)}`);
  document.getElementById("environment-name").textContent = environment.name;
  document.title = `${environment.name} · sandboxd`;
  const status = document.getElementById("environment-status");
  status.textContent = environment.status === "creating" ? environment.stage : environment.status;
  status.className = `badge badge-${environment.status}`;
  document.getElementById("start").hidden = environment.status !== "stopped";
  if (environment.status === "stopped") showOverlay("This environment is stopped. Start it to open a shell.");
  else if (environment.status === "creating") showOverlay(`Provisioning: ${environment.stage}…`);
  else if (environment.status === "error") showOverlay(environment.message || "This environment failed.");
  // For the files panel, which waits for the environment to run.
  document.dispatchEvent(new CustomEvent("environment", { detail: environment }));
  return environment;
}

/// Waits on /ws/events for the environment to become ready or to start, then connects.
function connectWhenRunning() {
  followEvents((frame) => {
    const data = frame.data || {};
    const mine = data.id === environmentId || data.containerId === environmentId;
    if (!mine || socket) return;
    if (frame.type === "container_progress" && data.stage !== "ready") {
      showOverlay(`Provisioning: ${data.stage} (${data.progress}%)…`);
      return;
    }
    loadEnvironment().then((environment) => {
      if (connectable(environment) && !socket) connect();
    }).catch(() => {});
  });
}

function fitToWindow() {
  try {
    fit.fit();
  } catch (_) {
    // Not laid out yet.
  }
}

term.onData((data) => send({ type: "input", data }));
term.onResize(({ cols, rows }) => send({ type: "resize", cols, rows }));
new ResizeObserver(() => {
  clearTimeout(fitToWindow.timer);
  fitToWindow.timer = setTimeout(fitToWindow, 50);
}).observe(document.getElementById("terminal"));

document.getElementById("reconnect").addEventListener("click", () => {
  if (!socket) connect();
});
document.getElementById("new-shell").addEventListener("click", () => {
  term.reset();
  connect();
});
document.getElementById("start").addEventListener("click", (event) => act(event.target, async () => {
  await api("POST", `/api/containers/${encodeURIComponent(environmentId)}/start`);
  showOverlay("Starting…");
}));

(async () => {
  try {
    await signedIn();
    term.open(document.getElementById("terminal"));
    fitToWindow();
    const environment = await loadEnvironment();
    connectWhenRunning();
    if (connectable(environment)) connect();
  } catch (err) {
    showOverlay(err.status === 404 ? "No such environment." : describe(err));
  }
})();
