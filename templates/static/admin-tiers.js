// Admin: tiers as an editable table (a row per tier, and an empty one to add a tier).
// Loaded before admin.js, which calls loadTiers once the admin is known.
"use strict";

const LIMITS = ["memory_mb", "cpu_millicores", "disk_mb"];

function tierRow(tier) {
  const isNew = !tier;
  tier = tier || { name: "", max_containers: 1, session_limit_seconds: null, idle_timeout_seconds: null, allowed_images: null };
  const input = (field, value, attributes = {}) =>
    el("input", { name: field, value: value ?? "", type: "number", min: 0, class: "cell", ...attributes });
  const triple = (key) => el("td", { class: "triple" },
    ["min", "default", "max"].map((which) => input(`${key}_${which}`, tier[`${key}_${which}`])));
  const row = el("tr", { dataset: { tier: tier.name } },
    el("td", {}, isNew
      ? el("input", { name: "name", class: "cell", placeholder: "new tier", required: true })
      : el("strong", {}, tier.name)),
    el("td", {}, input("max_containers", tier.max_containers)),
    LIMITS.map(triple),
    el("td", {}, input("session_limit_seconds", tier.session_limit_seconds, { placeholder: "none" })),
    el("td", {}, input("idle_timeout_seconds", tier.idle_timeout_seconds, { placeholder: "none" })),
    el("td", {}, el("select", { name: "idle_action", class: "cell", title: "What an environment idle past the timeout gets" },
      ["stop", "pause"].map((action) => el("option", { value: action, selected: (tier.idle_action || "stop") === action }, action)))),
    el("td", {}, el("input", {
      name: "allowed_images", class: "cell wide-cell", placeholder: "all",
      value: (tier.allowed_images || []).join(", "),
    })),
    el("td", {}, el("input", {
      name: "egress", class: "cell wide-cell", placeholder: "public",
      title: 'public, none, or an allow-list: [{"cidr": "203.0.113.0/24", "ports": [443]}]',
      value: egressText(tier.egress),
    })),
    el("td", { class: "right nowrap" },
      el("button", { class: "primary small", type: "button", onclick: (event) => saveTier(row, isNew, event.target) }, isNew ? "Add" : "Save"),
      isNew ? null : el("button", { class: "danger small", type: "button", onclick: (event) => deleteTier(tier.name, event.target) }, "Delete")));
  return row;
}

function tierFromRow(row) {
  const value = (name) => row.querySelector(`[name=${name}]`).value;
  const tier = { name: row.dataset.tier || value("name").trim(), max_containers: number(value("max_containers")) };
  for (const key of LIMITS) {
    for (const which of ["min", "default", "max"]) tier[`${key}_${which}`] = number(value(`${key}_${which}`));
  }
  tier.session_limit_seconds = number(value("session_limit_seconds"));
  tier.idle_timeout_seconds = number(value("idle_timeout_seconds"));
  tier.idle_action = value("idle_action");
  const images = value("allowed_images").split(",").map((image) => image.trim()).filter(Boolean);
  tier.allowed_images = images.length ? images : null;
  tier.egress = egressValue(value("egress"));
  // A save is a whole PUT: nodes a tier may name would otherwise fall back to `_any`.
  const loaded = loadedTiers.get(tier.name);
  if (loaded && loaded.node_targets) tier.node_targets = loaded.node_targets;
  return tier;
}

// A tier's egress as one cell: the words as they are, an allow-list as its JSON.
function egressText(egress) {
  if (egress === undefined || egress === null) return "public";
  return typeof egress === "string" ? egress : JSON.stringify(egress);
}

function egressValue(text) {
  const trimmed = text.trim();
  if (trimmed === "") return "public";
  if (!trimmed.startsWith("[")) return trimmed; // the server names what it accepts
  try {
    return JSON.parse(trimmed);
  } catch (err) {
    throw new Error(`egress: the allow-list is not valid JSON (${err.message})`);
  }
}

async function saveTier(row, isNew, button) {
  await act(button, async () => {
    const tier = tierFromRow(row);
    if (isNew) await api("POST", "/api/admin/tiers", tier);
    else await api("PUT", `/api/admin/tiers/${encodeURIComponent(tier.name)}`, tier);
    flash(`Tier ${tier.name} saved`, "info");
    await loadTiers();
  });
}

async function deleteTier(name, button) {
  if (!confirm(`Delete the ${name} tier?`)) return;
  await act(button, async () => {
    await api("DELETE", `/api/admin/tiers/${encodeURIComponent(name)}`);
    await loadTiers();
  });
}

// The tiers as last loaded: a save sends back what the table has no cell for.
let loadedTiers = new Map();

async function loadTiers() {
  const tiers = await api("GET", "/api/admin/tiers");
  loadedTiers = new Map(tiers.map((tier) => [tier.name, tier]));
  tierNames = tiers.map((tier) => tier.name);
  document.getElementById("tiers").replaceChildren(...tiers.map(tierRow), tierRow(null));
  const filter = document.getElementById("filter-tier");
  const chosen = filter.value;
  filter.replaceChildren(el("option", { value: "" }, "any tier"),
    ...tierNames.map((name) => el("option", { value: name, selected: name === chosen }, name)));
}
