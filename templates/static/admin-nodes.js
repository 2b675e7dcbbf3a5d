// Admin: the nodes environments run on, with what they hold, their labels and overcommit as
// an editable row, drain/undrain and removal. Loaded before admin.js, which calls loadNodes.
"use strict";

const NODE_STATES = { active: "running", draining: "creating", down: "error" };

function labelsText(labels) {
  return Object.entries(labels || {}).map(([key, value]) => `${key}=${value}`).join(", ");
}

// "key=value, key=value" as an object; the server says which labels it refuses and why.
function labelsValue(text) {
  const labels = {};
  for (const pair of text.split(",").map((part) => part.trim()).filter(Boolean)) {
    const at = pair.indexOf("=");
    if (at < 0) throw new Error(`labels: "${pair}" is not key=value`);
    labels[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return labels;
}

function share(reserved, capacity, unit, scale = 1) {
  const format = (value) => (value / scale).toFixed(scale === 1 ? 0 : 1);
  return `${format(reserved)} of ${format(capacity)} ${unit}`;
}

function nodeRow(node) {
  const path = `/api/admin/nodes/${encodeURIComponent(node.name)}`;
  const ratio = (field) => el("input", {
    name: field, value: node[field], type: "number", min: 0, step: "any", class: "cell narrow-cell",
  });
  const row = el("tr", { dataset: { node: node.name } },
    el("td", {}, el("strong", {}, node.name), el("div", { class: "hint" }, `sandboxd ${node.version}`)),
    el("td", {}, el("span", { class: `badge badge-${NODE_STATES[node.state] || "stopped"}` }, node.state),
      node.draining && node.state === "down" ? el("div", { class: "hint" }, "draining") : null),
    el("td", {}, el("input", {
      name: "labels", class: "cell wide-cell", placeholder: "none", value: labelsText(node.labels),
      title: node.labels_by_admin ? "set by an admin: kept when the node registers again" : "from the node's settings",
    })),
    el("td", { class: "nowrap" }, `${node.cpus} CPU · ${node.memory_mb} MB`,
      el("div", { class: "hint" }, "overcommit CPU ", ratio("cpu_overcommit"), " memory ", ratio("memory_overcommit"))),
    el("td", { class: "nowrap" },
      share(node.cpu_reserved_millicores, node.cpu_capacity_millicores, "CPU", 1000),
      el("div", {}, share(node.memory_reserved_mb, node.memory_capacity_mb, "MB"))),
    el("td", {}, String(node.environments)),
    el("td", { title: node.heartbeat_at }, since(node.heartbeat_at)),
    el("td", { class: "right nowrap" },
      el("button", { class: "primary small", type: "button", onclick: (event) => saveNode(row, node, event.target) }, "Save"),
      el("button", {
        class: "secondary small", type: "button",
        onclick: (event) => act(event.target, async () => {
          await api("POST", `${path}/${node.draining ? "undrain" : "drain"}`);
          flash(`Node ${node.name} ${node.draining ? "takes new environments again" : "is draining"}`, "info");
          await loadNodes();
        }),
      }, node.draining ? "Undrain" : "Drain"),
      el("button", {
        class: "danger small", type: "button",
        onclick: (event) => act(event.target, async () => {
          if (!confirm(`Remove node ${node.name}? Only a drained node with no environments can be removed.`)) return;
          await api("DELETE", path);
          flash(`Node ${node.name} removed`, "info");
          await loadNodes();
        }),
      }, "Remove")));
  return row;
}

// Labels are sent only when edited: labels an admin sends are kept over the node's own.
async function saveNode(row, node, button) {
  await act(button, async () => {
    const value = (name) => row.querySelector(`[name=${name}]`).value;
    const changes = {
      cpu_overcommit: number(value("cpu_overcommit")),
      memory_overcommit: number(value("memory_overcommit")),
    };
    const labels = labelsValue(value("labels"));
    if (labelsText(labels) !== labelsText(node.labels)) changes.labels = labels;
    await api("PATCH", `/api/admin/nodes/${encodeURIComponent(node.name)}`, changes);
    flash(`Node ${node.name} saved`, "info");
    await loadNodes();
  });
}

async function loadNodes() {
  const nodes = await api("GET", "/api/admin/nodes");
  document.getElementById("nodes").replaceChildren(...nodes.map(nodeRow));
}
