// API tokens: create (the secret is shown once), list and revoke.
"use strict";

const form = document.getElementById("token-form");

function when(timestamp, otherwise) {
  return timestamp ? new Date(timestamp).toLocaleString() : otherwise;
}

async function refresh() {
  const tokens = await api("GET", "/api/tokens");
  document.getElementById("tokens").replaceChildren(...tokens.map((token) =>
    el("tr", {},
      el("td", {}, token.name),
      el("td", {}, el("code", {}, `${token.prefix}…`)),
      el("td", {}, token.scopes.join(", ")),
      el("td", {}, when(token.created_at)),
      el("td", {}, when(token.last_used_at, "never")),
      el("td", {}, when(token.expires_at, "never")),
      el("td", { class: "right" }, el("button", {
        class: "danger small", type: "button",
        onclick: (event) => revoke(token, event.target),
      }, "Revoke")))));
  document.getElementById("no-tokens").hidden = tokens.length > 0;
}

async function revoke(token, button) {
  if (!confirm(`Revoke ${token.name}? Scripts using it stop working at once.`)) return;
  await act(button, async () => {
    await api("DELETE", `/api/tokens/${token.id}`);
    await refresh();
  });
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  await act(form.querySelector("button"), async () => {
    const scopes = [...form.querySelectorAll("input[name=scope]:checked")].map((box) => box.value);
    const request = { name: form.name.value.trim(), scopes };
    if (form.expires_in_days.value) request.expires_in_days = Number(form.expires_in_days.value);
    const created = await api("POST", "/api/tokens", request);
    document.getElementById("secret-value").textContent = created.token;
    document.getElementById("secret").hidden = false;
    form.reset();
    await refresh();
  });
});

document.getElementById("copy").addEventListener("click", async (event) => {
  const value = document.getElementById("secret-value").textContent;
  try {
    await navigator.clipboard.writeText(value);
    event.target.textContent = "Copied";
  } catch (_) {
    // Without clipboard access (plain http), select it for a manual copy.
    getSelection().selectAllChildren(document.getElementById("secret-value"));
    event.target.textContent = "Selected: press Ctrl+C";
  }
});

(async () => {
  try {
    const me = await signedIn();
    document.getElementById("admin-scope").hidden = !(me.user.role === "admin" || me.scopes.includes("admin"));
    await refresh();
  } catch (err) {
    flash(describe(err));
  }
})();
