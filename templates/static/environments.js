// The caller's environments with live status, and the create form bounded by their tier.
"use strict";

const SHELL_OPTIONS = [
  "enhanced", "autosuggestions", "syntax_highlight", "history_search",
  "git_aliases", "system_stats", "use_tmux",
];
const STAGES = ["validating", "pulling", "creating", "starting", "configuring", "ready"];

const list = document.getElementById("environments");
const form = document.getElementById("create-form");
const environments = new Map();
let profile = null;

function fillSelect(select, values, chosen) {
  select.replaceChildren(...values.map((value) => el("option", { value, selected: value === chosen }, value)));
}

function duration(seconds) {
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

function showUsage() {
  const { usage, tier } = profile;
  const expiry = tier.session_limit_seconds ? ` · environments last ${duration(tier.session_limit_seconds)}` : "";
  document.getElementById("usage").textContent =
    `${usage.containers_used} of ${usage.containers_allowed} environments on the ${tier.name} tier${expiry}`;
}

/// Sets each resource input's bounds and default from the caller's effective limits.
function applyLimits(tier) {
  for (const input of form.querySelectorAll("[data-limit]")) {
    const key = input.dataset.limit;
    input.min = tier[`${key}_min`];
    input.max = tier[`${key}_max`];
    input.value = tier[`${key}_default`];
    form.querySelector(`[data-range="${key}"]`).textContent =
      `${tier[`${key}_min`]} – ${tier[`${key}_max`]}, default ${tier[`${key}_default`]}`;
  }
  document.getElementById("tier-hint").textContent = `bounded by the ${tier.name} tier`;
}

async function loadForm() {
  const offer = await api("GET", "/api/images");
  const images = offer.images;
  fillSelect(document.getElementById("image"), images, images.includes("debian:bookworm") ? "debian:bookworm" : images[0]);
  fillSelect(document.getElementById("role"), offer.roles, "barebone");
  fillSelect(document.getElementById("theme"), offer.themes, "rexec");
  applyLimits(profile.tier);
}

function createRequest() {
  const request = {
    image: form.image.value,
    role: form.role.value,
    memory_mb: Number(form.memory_mb.value),
    cpu_shares: Number(form.cpu_shares.value),
    disk_mb: Number(form.disk_mb.value),
    shell: { theme: form.theme.value },
    env: form.env.value.split("\n").map((line) => line.trim()).filter(Boolean),
  };
  for (const option of SHELL_OPTIONS) request.shell[option] = form[option].checked;
  const name = form.name.value.trim();
  if (name) request.name = name;
  if (request.image === "custom") request.custom_image = form.custom_image.value.trim();
  return request;
}

function statusBadge(environment) {
  const provisioning = environment.status === "creating";
  const label = provisioning ? environment.stage : environment.status;
  return el("span", { class: `badge badge-${provisioning ? "creating" : environment.status}` }, label);
}

function progressBar(environment) {
  if (environment.status !== "creating") return null;
  const step = Math.max(0, STAGES.indexOf(environment.stage));
  return el("div", { class: "progress", title: environment.message || environment.stage },
    el("div", { class: "progress-track" },
      el("div", { class: "progress-fill", style: `width: ${environment.progress}%` })),
    el("div", { class: "progress-label" },
      el("span", {}, `${environment.stage} (${step + 1}/${STAGES.length})`),
      el("span", { class: "muted" }, environment.message || "")));
}

function lifecycle(environment, action) {
  return async (event) => {
    await act(event.target, async () => {
      const updated = await api("POST", `/api/containers/${environment.id}/${action}`);
      if (action === "pause" || action === "resume") {
        // Answered once done: the reply is the environment as it now is.
        environments.set(environment.id, updated);
        render();
        return;
      }
      flash(`${action === "stop" ? "Stopping" : "Starting"} ${environment.name}…`, "info");
    });
  };
}

async function remove(environment, button) {
  if (!confirm(`Delete ${environment.name}? Its files are lost.`)) return;
  await act(button, async () => {
    await api("DELETE", `/api/containers/${environment.id}`);
    environments.delete(environment.id);
    render();
    await refreshProfile();
  });
}

function card(environment) {
  const running = environment.status === "running";
  const paused = environment.status === "paused";
  const stopped = environment.status === "stopped";
  // A terminal resumes a paused environment by itself.
  const usable = running || paused;
  const { memory_mb, cpu_shares, disk_mb } = environment.resources;
  return el("article", { class: "env", dataset: { id: environment.id, status: environment.status } },
    el("div", { class: "env-main" },
      el("div", { class: "env-title" },
        usable ? el("a", { href: `/environments/${environment.id}`, class: "env-name" }, environment.name)
          : el("span", { class: "env-name" }, environment.name),
        statusBadge(environment)),
      el("div", { class: "env-meta muted" },
        `${environment.image}${environment.role ? ` · ${environment.role}` : ""}`,
        ` · ${memory_mb} MB · ${(cpu_shares / 1000).toFixed(2)} CPU · ${disk_mb} MB disk`,
        ` · created ${since(environment.created_at)}`),
      environment.status === "error" && environment.message
        ? el("div", { class: "env-error" }, environment.message) : null,
      progressBar(environment)),
    el("div", { class: "env-actions" },
      usable ? el("a", { class: "button primary", href: `/environments/${environment.id}` }, "Open terminal") : null,
      stopped ? el("button", { class: "secondary", type: "button", onclick: lifecycle(environment, "start") }, "Start") : null,
      running ? el("button", { class: "secondary", type: "button", onclick: lifecycle(environment, "pause") }, "Pause") : null,
      paused ? el("button", { class: "secondary", type: "button", onclick: lifecycle(environment, "resume") }, "Resume") : null,
      usable ? el("button", { class: "secondary", type: "button", onclick: lifecycle(environment, "stop") }, "Stop") : null,
      el("button", { class: "danger", type: "button", onclick: (event) => remove(environment, event.target) }, "Delete")));
}

function render() {
  const sorted = [...environments.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
  list.replaceChildren(...sorted.map(card));
  document.getElementById("empty").hidden = sorted.length > 0;
}

async function refreshList() {
  const { containers } = await api("GET", "/api/containers");
  environments.clear();
  for (const environment of containers) environments.set(environment.id, environment);
  render();
}

async function refreshOne(id) {
  try {
    environments.set(id, await api("GET", `/api/containers/${id}`));
  } catch (err) {
    if (err.status !== 404) throw err;
    environments.delete(id);
  }
  render();
}

async function refreshProfile() {
  profile = await api("GET", "/api/me");
  showUsage();
}

function onEvent(frame) {
  const data = frame.data || {};
  if (frame.type === "container_progress") {
    const environment = environments.get(data.id);
    if (!environment || data.stage === "ready" || data.stage === "error") {
      refreshOne(data.id).catch(() => {});
      return;
    }
    Object.assign(environment, { stage: data.stage, progress: data.progress, message: data.message });
    render();
  } else if (frame.type.startsWith("container.") && data.containerId && !frame.type.startsWith("container.logs")) {
    if (frame.type === "container.expiring" || frame.type === "container.idle" || frame.type === "container.expired") {
      flash(data.message, "info");
    }
    refreshOne(data.containerId).then(refreshProfile).catch(() => {});
  }
}

document.getElementById("new-environment").addEventListener("click", () => {
  document.getElementById("create-card").hidden = false;
  form.name.focus();
});
document.getElementById("cancel-create").addEventListener("click", () => {
  document.getElementById("create-card").hidden = true;
});
document.getElementById("image").addEventListener("change", (event) => {
  document.getElementById("custom-image-field").hidden = event.target.value !== "custom";
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  await act(form.querySelector("button[type=submit]"), async () => {
    const created = await api("POST", "/api/containers", createRequest());
    document.getElementById("create-card").hidden = true;
    form.name.value = "";
    await refreshOne(created.id);
    await refreshProfile();
  });
});

(async () => {
  try {
    profile = await signedIn();
    showUsage();
    // Connect before listing so no progress falls between the two.
    followEvents(onEvent, () => refreshList().catch((err) => flash(describe(err))));
    await loadForm();
    // A slow fallback for whatever an event might have missed.
    setInterval(() => refreshList().catch(() => {}), 15000);
  } catch (err) {
    flash(describe(err));
  }
})();
