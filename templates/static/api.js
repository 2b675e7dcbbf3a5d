// Shared by every page: the session token, calls to the JSON API, the header and messages.
"use strict";

const Session = {
  key: "sandboxd.token",
  get token() {
    return localStorage.getItem(this.key);
  },
  save(session) {
    localStorage.setItem(this.key, session.token);
  },
  clear() {
    localStorage.removeItem(this.key);
  },
};

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `request failed with status ${status}`);
    this.status = status;
    this.code = body && body.code;
    this.details = body && body.details;
  }
}

async function api(method, path, body) {
  return bodyOf(await apiResponse(method, path, body));
}

/// An API call's response, for bodies that are not JSON: `body` may be FormData, sent as it
/// is. A failure throws, as `api` does.
async function apiResponse(method, path, body) {
  const headers = { Accept: "application/json" };
  if (Session.token) headers.Authorization = `Bearer ${Session.token}`;
  const init = { method, headers };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401 && Session.token && !path.startsWith("/api/auth/")) {
    // The session ended (expired, logged out elsewhere, account disabled).
    Session.clear();
    toLogin();
  }
  if (!response.ok) throw new ApiError(response.status, await bodyOf(response));
  return response;
}

async function bodyOf(response) {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch (_) {
    return { error: text };
  }
}

function toLogin() {
  const next = location.pathname + location.search;
  location.href = `/login?next=${encodeURIComponent(next)}`;
}

/// The page to go to after logging in: only a path on this site.
function nextPage() {
  const next = new URLSearchParams(location.search).get("next") || "";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/environments";
}

function flash(message, kind = "error") {
  const box = document.getElementById("flash");
  box.textContent = message;
  box.className = `flash flash-${kind}`;
  box.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => (box.hidden = true), kind === "error" ? 8000 : 4000);
}

// Validation messages already name each field, so the message is enough.
function describe(err) {
  return err.message || String(err);
}

/// Runs an action from a button, showing failures and keeping the button from double firing.
async function act(button, action) {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (err) {
    flash(describe(err));
  } finally {
    if (button) button.disabled = false;
  }
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function since(timestamp) {
  const seconds = Math.round((Date.now() - new Date(timestamp).getTime()) / 1000);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(timestamp).toLocaleDateString();
}

function wsUrl(path, params) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const query = new URLSearchParams({ token: Session.token, ...params });
  return `${scheme}://${location.host}${path}?${query}`;
}

/// Follows /ws/events, reconnecting with backoff; `onFrame` gets each {type, data} frame.
function followEvents(onFrame, onOpen) {
  let delay = 500;
  const connect = () => {
    const socket = new WebSocket(wsUrl("/ws/events", {}));
    socket.onopen = () => {
      delay = 500;
      if (onOpen) onOpen();
    };
    socket.onmessage = (event) => {
      try {
        onFrame(JSON.parse(event.data));
      } catch (_) {
        // Not a frame this page knows.
      }
    };
    socket.onclose = () => {
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10000);
    };
  };
  connect();
}

/// The header for a signed-in page; resolves to the caller's profile (`GET /api/me`).
async function signedIn() {
  if (!Session.token) {
    toLogin();
    return new Promise(() => {});
  }
  const me = await api("GET", "/api/me");
  document.getElementById("nav").hidden = false;
  document.getElementById("account").hidden = false;
  const user = me.user;
  document.getElementById("who").textContent = user.is_guest
    ? `guest · ${user.tier}`
    : `${user.username} · ${user.tier}`;
  const admin = user.role === "admin" || me.scopes.includes("admin");
  document.getElementById("nav-admin").hidden = !admin;
  const page = document.body.dataset.page;
  for (const link of document.querySelectorAll("[data-nav]")) {
    const current = link.dataset.nav === page || (page === "terminal" && link.dataset.nav === "environments");
    link.classList.toggle("current", current);
  }
  document.getElementById("logout").addEventListener("click", async () => {
    try {
      await api("POST", "/api/auth/logout");
    } catch (_) {
      // Logged out either way.
    }
    Session.clear();
    location.href = "/login";
  });
  return me;
}

/// Shared by the login and sign-up pages.
async function continueAsGuest(button) {
  await act(button, async () => {
    Session.save(await api("POST", "/api/auth/guest"));
    location.href = nextPage();
  });
}
