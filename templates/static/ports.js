// The environment page's ports panel over /api/containers/{id}/ports and /shares: what
// listens in the environment, opened in a new tab, made public or private, and shared by
// links that work until they expire or are revoked.
"use strict";

(() => {
  const environmentId = decodeURIComponent(location.pathname.split("/")[2] || "");
  const containerApi = `/api/containers/${encodeURIComponent(environmentId)}`;
  const hiddenKey = "sandboxd.ports.hidden";
  const SHARE_SECONDS = 24 * 3600;

  const byId = (id) => document.getElementById(id);
  const panel = byId("ports");
  const list = byId("ports-list");
  const shareList = byId("ports-shares");
  const status = byId("ports-status");
  const toggle = byId("ports-toggle");

  let shown = false;
  // What the last listing found, drawn again when the environment's status explains it.
  let lastPorts = null;
  let environmentStatus = null;
  // Only the newest answer is drawn, whichever arrives last.
  let listing = 0;
  let sharing = 0;
  // The share just made: its link is shown selected, ready to copy.
  let madeShare = null;

  const plural = (count, word) => `${count} ${word}${count === 1 ? "" : "s"}`;

  function until(timestamp) {
    const minutes = Math.round((new Date(timestamp).getTime() - Date.now()) / 60000);
    if (minutes < 1) return "under a minute";
    if (minutes < 60) return `${minutes} min`;
    if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
    return `${Math.round(minutes / 1440)} days`;
  }

  function stateOf(port) {
    if (port.reachable) return ["reachable", "reachable", `Listening on ${port.addresses.join(", ")}`];
    if (port.listening) return ["loopback", "not reachable", "listening on 127.0.0.1 only — bind 0.0.0.0"];
    return ["idle", "not listening", "nothing listens on it now"];
  }

  function row(port) {
    const [state, label, hint] = stateOf(port);
    const publicBox = el("input", {
      type: "checkbox",
      checked: port.public,
      "aria-label": "Public",
      title: "Anyone may open a public port; a private one only you",
      onchange: (event) => setPublic(event.currentTarget, port.port),
    });
    return el("tr", { dataset: { port: port.port, reachable: port.reachable, public: port.public } },
      el("td", { class: "ports-number" }, port.port),
      el("td", {},
        el("span", { class: `ports-badge ports-${state}`, title: hint }, label),
        state !== "reachable" && el("div", { class: "ports-hint muted" }, hint)),
      el("td", { class: "ports-public" }, publicBox),
      el("td", { class: "right nowrap" },
        el("button", {
          type: "button",
          class: "primary small",
          disabled: !port.reachable,
          title: port.reachable ? `Open port ${port.port} in a new tab` : hint,
          onclick: (event) => openPreview(event.currentTarget, port.port),
        }, "Open"),
        el("button", {
          type: "button",
          class: "secondary small",
          title: `Make a link anyone may open port ${port.port} with for a day`,
          onclick: (event) => share(event.currentTarget, port.port),
        }, "Share")));
  }

  function showPorts(ports) {
    if (!ports.length) {
      const why = environmentStatus && environmentStatus !== "running"
        ? "The environment is not running."
        : "Nothing listens on a port yet. Start a web server in the terminal, bound to 0.0.0.0.";
      list.replaceChildren(el("p", { class: "empty" }, why));
      return;
    }
    list.replaceChildren(el("table", { class: "table ports-table" },
      el("thead", {}, el("tr", {}, el("th", {}, "Port"), el("th", {}, "State"), el("th", {}, "Public"), el("th", {}))),
      el("tbody", {}, ports.map(row))));
  }

  function shareItem(share) {
    const ended = share.revoked_at
      ? `revoked ${since(share.revoked_at)}`
      : new Date(share.expires_at) <= new Date() ? "expired" : null;
    const head = el("div", { class: "ports-share-head" },
      el("span", { class: "ports-number" }, share.port),
      el("span", { class: "muted", title: new Date(share.expires_at).toLocaleString() },
        ended || `expires in ${until(share.expires_at)}`),
      el("span", { class: "spacer" }),
      !ended && el("button", { type: "button", class: "secondary small", onclick: () => copy(share) }, "Copy"),
      !ended && el("button", { type: "button", class: "danger small", onclick: (event) => revoke(event.currentTarget, share) }, "Revoke"));
    const url = !ended && el("input", {
      class: "ports-share-url",
      readonly: true,
      value: share.url,
      "aria-label": `Share link for port ${share.port}`,
      onfocus: (event) => event.currentTarget.select(),
    });
    return el("li", { class: ended ? "ports-share ports-ended" : "ports-share", dataset: { share: share.id, port: share.port } }, head, url);
  }

  function showShares(shares) {
    shareList.replaceChildren(...shares.map(shareItem));
    if (!shares.length) shareList.append(el("li", { class: "muted small ports-none" }, "None yet: Share makes one."));
    const made = madeShare && shareList.querySelector(`li[data-share="${madeShare}"] input`);
    if (made) made.focus();
    madeShare = null;
  }

  async function loadShares() {
    const mine = ++sharing;
    const shares = await api("GET", `${containerApi}/shares`);
    if (mine === sharing) showShares(shares);
  }

  /// Lists the ports and share links; a failure keeps what was shown and says why.
  async function refresh() {
    const mine = ++listing;
    status.textContent = "Loading…";
    try {
      const [ports] = await Promise.all([api("GET", `${containerApi}/ports`), loadShares()]);
      if (mine !== listing) return;
      lastPorts = ports.ports;
      showPorts(lastPorts);
      shown = true;
      status.textContent = plural(ports.count, "port");
    } catch (err) {
      if (mine !== listing) return;
      status.textContent = "";
      if (shown) return flash(describe(err));
      list.replaceChildren(el("p", { class: "ports-error" }, describe(err)));
    }
  }

  function openPreview(button, port) {
    // The window is opened here, within the click, because popup blockers allow one only
    // while handling the user's gesture, and the link arrives a round trip later. Links
    // fetched ahead for plain <a target=_blank> would expire within minutes and cost one
    // per port per listing for links rarely followed.
    const tab = window.open("", "_blank");
    if (!tab) {
      flash("The browser blocked the new tab: allow pop-ups for this site to open previews.");
      return;
    }
    // The preview is whatever runs in the environment: it gets no handle on this page.
    tab.opener = null;
    act(button, async () => {
      try {
        const link = await api("POST", `${containerApi}/ports/${port}/link`, {});
        tab.location.href = link.url;
      } catch (err) {
        tab.close();
        throw err;
      }
    });
  }

  async function setPublic(box, port) {
    const wanted = box.checked;
    box.disabled = true;
    try {
      await api("PUT", `${containerApi}/ports/${port}`, { public: wanted });
      flash(wanted ? `Port ${port} is public: anyone may open it` : `Port ${port} is private again`, "info");
      await refresh();
    } catch (err) {
      box.checked = !wanted;
      flash(describe(err));
    } finally {
      box.disabled = false;
    }
  }

  /// True when the link reached the clipboard: the browser refuses outside secure contexts,
  /// and the link is then left selected in its field instead.
  async function toClipboard(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (_) {
      return false;
    }
  }

  async function copy(share) {
    if (await toClipboard(share.url)) flash(`Share link for port ${share.port} copied`, "info");
    else shareList.querySelector(`li[data-share="${share.id}"] input`)?.focus();
  }

  async function share(button, port) {
    await act(button, async () => {
      const made = await api("POST", `${containerApi}/ports/${port}/shares`, { expires_in_seconds: SHARE_SECONDS });
      madeShare = made.id;
      await loadShares();
      const copied = await toClipboard(made.url);
      flash(`Share link for port ${port} made${copied ? " and copied" : ""}: anyone with it may open the port for a day`, "info");
    });
  }

  async function revoke(button, share) {
    if (!confirm(`Revoke this share link for port ${share.port}? Whoever has it can no longer open the port.`)) return;
    await act(button, async () => {
      await api("DELETE", `${containerApi}/shares/${encodeURIComponent(share.id)}`);
      flash(`Share link for port ${share.port} revoked`, "info");
      await loadShares();
    });
  }

  function showPanel(visible) {
    panel.hidden = !visible;
    toggle.setAttribute("aria-pressed", String(visible));
    localStorage.setItem(hiddenKey, visible ? "" : "1");
    // Ports come and go with what runs in the environment: a panel shown again looks anew.
    if (visible) refresh();
  }

  byId("ports-refresh").addEventListener("click", refresh);
  toggle.addEventListener("click", () => showPanel(panel.hidden));

  // The terminal script announces each look at the environment. What listens changes when
  // it starts or stops, so the list is read again then; the first look only says what an
  // empty list means, the panel having asked for the ports itself as the page loaded.
  document.addEventListener("environment", (event) => {
    const previous = environmentStatus;
    environmentStatus = event.detail.status;
    if (previous === environmentStatus) return;
    if (previous !== null && !panel.hidden) refresh();
    else if (lastPorts) showPorts(lastPorts);
  });

  showPanel(localStorage.getItem(hiddenKey) !== "1");
})();
