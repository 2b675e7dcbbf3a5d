// SSH keys: add (one OpenSSH public key line), list with fingerprints, delete.
"use strict";

const form = document.getElementById("key-form");

function when(timestamp, otherwise) {
  return timestamp ? new Date(timestamp).toLocaleString() : otherwise;
}

async function refresh() {
  const keys = await api("GET", "/api/ssh-keys");
  document.getElementById("keys").replaceChildren(...keys.map((key) =>
    el("tr", {},
      el("td", {}, key.name),
      el("td", {}, key.algorithm),
      el("td", {}, el("code", {}, key.fingerprint)),
      el("td", {}, when(key.created_at)),
      el("td", {}, when(key.last_used_at, "never")),
      el("td", { class: "right" }, el("button", {
        class: "danger small", type: "button",
        onclick: (event) => remove(key, event.target),
      }, "Delete")))));
  document.getElementById("no-keys").hidden = keys.length > 0;
}

async function remove(key, button) {
  if (!confirm(`Delete ${key.name}? SSH connections it signed in close at once.`)) return;
  await act(button, async () => {
    await api("DELETE", `/api/ssh-keys/${key.id}`);
    await refresh();
  });
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  await act(form.querySelector("button"), async () => {
    const request = { name: form.name.value.trim(), public_key: form.public_key.value.trim() };
    await api("POST", "/api/ssh-keys", request);
    form.reset();
    await refresh();
  });
});

document.querySelectorAll("#ssh-example .host").forEach((node) => {
  node.textContent = location.hostname;
});
if (document.getElementById("ssh-example").dataset.port === "off") {
  document.getElementById("ssh-example").hidden = true;
  document.getElementById("ssh-off").hidden = false;
}

(async () => {
  try {
    await signedIn();
    await refresh();
  } catch (err) {
    flash(describe(err));
  }
})();
