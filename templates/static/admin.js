// Admin: engine and environment counts, tiers as an editable table, users with their tier
// and usage, and every environment with force stop and delete.
"use strict";

const LIMITS = ["memory_mb", "cpu_millicores", "disk_mb"];
let tierNames = [];

function number(value) {
  return value === "" || value === null || value === undefined ? null : Number(value);
}

function gib(bytes) {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

async function loadStats() {
  const stats = await api("GET", "/api/admin/stats");
  const byStatus = stats.environments_by_status;
  const cards = [
    ["Running", byStatus.running || 0],
    ["Provisioning", byStatus.creating || 0],
    ["Stopped", byStatus.stopped || 0],
    ["Failed", byStatus.error || 0],
    ["Memory given", `${(stats.allocated.memory_mb / 1024).toFixed(1)} GiB`],
    ["CPU given", `${(stats.allocated.cpu_millicores / 1000).toFixed(1)} cores`],
  ];
  document.getElementById("stats").replaceChildren(...cards.map(([label, value]) =>
    el("div", { class: "stat" }, el("div", { class: "stat-value" }, value), el("div", { class: "stat-label" }, label))));
  const engine = stats.engine;
  const disk = engine && engine.disk
    ? `, ${gib(engine.disk.images_bytes)} images, ${gib(engine.disk.containers_bytes)} container layers`
    : "";
  document.getElementById("engine").textContent = engine
    ? `Engine: ${engine.cpus} CPUs, ${gib(engine.memory_bytes)} memory, ` +
      `${engine.containers_running} of ${engine.containers_total} containers running${disk}`
    : `Engine usage unavailable: ${stats.engine_error}`;
}

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
  const images = value("allowed_images").split(",").map((image) => image.trim()).filter(Boolean);
  tier.allowed_images = images.length ? images : null;
  tier.egress = egressValue(value("egress"));
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

async function loadTiers() {
  const tiers = await api("GET", "/api/admin/tiers");
  tierNames = tiers.map((tier) => tier.name);
  document.getElementById("tiers").replaceChildren(...tiers.map(tierRow), tierRow(null));
  const filter = document.getElementById("filter-tier");
  const chosen = filter.value;
  filter.replaceChildren(el("option", { value: "" }, "any tier"),
    ...tierNames.map((name) => el("option", { value: name, selected: name === chosen }, name)));
}

function userRow(user) {
  const tierSelect = el("select", {
    class: "cell",
    onchange: (event) => act(event.target, async () => {
      await api("PUT", `/api/admin/users/${user.id}/tier`, { tier: event.target.value });
      flash(`${user.username} is now on ${event.target.value}`, "info");
    }),
  }, tierNames.map((name) => el("option", { value: name, selected: name === user.tier }, name)));
  const disabled = Boolean(user.disabled_at);
  const toggle = el("button", {
    class: disabled ? "secondary small" : "danger small", type: "button",
    onclick: (event) => act(event.target, async () => {
      if (!disabled && !confirm(`Disable ${user.username}? Their tokens and sessions are revoked and environments stopped.`)) return;
      await api("POST", `/api/admin/users/${user.id}/${disabled ? "enable" : "disable"}`);
      await Promise.all([loadUsers(), loadEnvironments()]);
    }),
  }, disabled ? "Enable" : "Disable");
  return el("tr", {},
    el("td", {}, el("strong", {}, user.username), user.is_guest ? el("span", { class: "tag" }, "guest") : null),
    el("td", {}, user.email || "—"),
    el("td", {}, user.role),
    el("td", {}, tierSelect),
    el("td", {}, String(user.containers_used)),
    el("td", {}, since(user.created_at)),
    el("td", {}, disabled ? el("span", { class: "badge badge-error" }, "disabled") : el("span", { class: "badge badge-running" }, "active")),
    el("td", { class: "right" }, toggle));
}

async function loadUsers() {
  const query = document.getElementById("user-search").value.trim();
  const page = await api("GET", `/api/admin/users?${new URLSearchParams(query ? { q: query } : {})}`);
  document.getElementById("users").replaceChildren(...page.users.map(userRow));
  document.getElementById("users-total").textContent = `${page.users.length} of ${page.total} users`;
}

function environmentRow(environment) {
  const stop = environment.status === "running"
    ? el("button", {
      class: "secondary small", type: "button",
      onclick: (event) => act(event.target, async () => {
        await api("POST", `/api/admin/containers/${environment.id}/stop`);
        await loadEnvironments();
      }),
    }, "Force stop")
    : null;
  const remove = el("button", {
    class: "danger small", type: "button",
    onclick: (event) => act(event.target, async () => {
      if (!confirm(`Delete ${environment.name} of ${environment.username}?`)) return;
      await api("DELETE", `/api/admin/containers/${environment.id}`);
      await Promise.all([loadEnvironments(), loadStats()]);
    }),
  }, "Delete");
  return el("tr", {},
    el("td", {}, el("strong", {}, environment.name)),
    el("td", {}, environment.username),
    el("td", {}, environment.tier),
    el("td", {}, environment.image, environment.role ? ` · ${environment.role}` : ""),
    el("td", {}, el("span", { class: `badge badge-${environment.status}` }, environment.status)),
    el("td", { class: "nowrap" }, resources(environment.resources)),
    el("td", {}, since(environment.last_activity_at)),
    el("td", { class: "right nowrap" }, stop, remove));
}

function resources({ memory_mb, cpu_shares, disk_mb }) {
  return `${memory_mb} MB · ${(cpu_shares / 1000).toFixed(2)} CPU · ${disk_mb} MB`;
}

async function loadEnvironments() {
  const filters = {
    status: document.getElementById("filter-status").value,
    tier: document.getElementById("filter-tier").value,
    image: document.getElementById("filter-image").value.trim(),
  };
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value));
  const page = await api("GET", `/api/admin/containers?${query}`);
  document.getElementById("all-environments").replaceChildren(...page.containers.map(environmentRow));
  document.getElementById("environments-total").textContent = `${page.containers.length} of ${page.total} environments`;
}

function debounce(action) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => action().catch((err) => flash(describe(err))), 250);
  };
}

document.getElementById("user-search").addEventListener("input", debounce(loadUsers));
for (const id of ["filter-status", "filter-tier", "filter-image"]) {
  document.getElementById(id).addEventListener("input", debounce(loadEnvironments));
}

(async () => {
  try {
    const me = await signedIn();
    if (!(me.user.role === "admin" || me.scopes.includes("admin"))) {
      flash("This page is for admins.");
      return;
    }
    await loadTiers();
    await Promise.all([loadStats(), loadUsers(), loadEnvironments()]);
    setInterval(() => Promise.all([loadStats(), loadEnvironments()]).catch(() => {}), 15000);
  } catch (err) {
    flash(describe(err));
  }
})();
