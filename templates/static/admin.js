// Admin: engine and environment counts, users with their tier and usage, and every
// environment with force stop and delete. The tiers table is in admin-tiers.js, the nodes
// in admin-nodes.js, the warm pools in admin-pools.js.
"use strict";

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
    ["Paused", byStatus.paused || 0],
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
  const stop = environment.status === "running" || environment.status === "paused"
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
    await Promise.all([loadStats(), loadNodes(), loadPools(), loadUsers(), loadEnvironments()]);
    setInterval(() => Promise.all([loadStats(), loadEnvironments()]).catch(() => {}), 15000);
  } catch (err) {
    flash(describe(err));
  }
})();
