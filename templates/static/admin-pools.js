// Admin: warm pools per node: added with the form, resized in their row, removed. The ready
// counts refresh every few seconds while members are being made. Loaded before admin.js,
// which calls loadPools once tiers (tierNames) are known.
"use strict";

let poolRefresh = null;
// Each load is numbered: a slower, older one (the timed refresh racing an edit) must not
// draw over a newer one.
let poolLoads = 0;

function options(select, values, chosen) {
  select.replaceChildren(...values.map((value) => el("option", { value, selected: value === chosen }, value)));
}

function poolRow(pool) {
  const path = `/api/admin/pools/${pool.id}`;
  const size = el("input", { name: "size", type: "number", min: 0, max: 100, value: pool.size, class: "cell narrow-cell" });
  const making = pool.making > 0 ? el("div", { class: "hint" }, `${pool.making} being made`) : null;
  return el("tr", { dataset: { pool: pool.id } },
    el("td", {}, pool.node),
    el("td", {}, pool.image),
    el("td", {}, pool.role),
    el("td", {}, pool.tier),
    el("td", {}, size),
    el("td", { class: "nowrap" }, el("span", { class: "ready-count" }, `${pool.ready} ready`), making),
    el("td", { class: "right nowrap" },
      el("button", {
        class: "primary small", type: "button",
        onclick: (event) => act(event.target, async () => {
          await api("PATCH", path, { size: number(size.value) });
          flash(`Pool on ${pool.node} resized to ${size.value}`, "info");
          await loadPools();
        }),
      }, "Save"),
      el("button", {
        class: "danger small", type: "button",
        onclick: (event) => act(event.target, async () => {
          if (!confirm(`Remove the ${pool.image} pool on ${pool.node}? Its ready environments are removed.`)) return;
          await api("DELETE", path);
          await loadPools();
          flash(`Pool on ${pool.node} removed`, "info");
        }),
      }, "Remove")));
}

async function loadPools() {
  const form = document.getElementById("pool-form");
  if (!form.node.options.length) {
    const [nodes, offer] = await Promise.all([api("GET", "/api/admin/nodes"), api("GET", "/api/images")]);
    options(form.node, nodes.map((node) => node.name), nodes[0] && nodes[0].name);
    options(form.image, offer.images.filter((image) => image !== "custom"), "debian:bookworm");
    options(form.role, offer.roles, "barebone");
    options(form.tier, tierNames, "free");
  }
  const load = ++poolLoads;
  const pools = await api("GET", "/api/admin/pools");
  if (load !== poolLoads) return;
  document.getElementById("pools").replaceChildren(...pools.map(poolRow));
  // While members are being made, the counts change by the second.
  clearTimeout(poolRefresh);
  if (pools.some((pool) => pool.making > 0 || pool.ready < pool.size)) {
    poolRefresh = setTimeout(() => loadPools().catch(() => {}), 2000);
  }
}

document.getElementById("pool-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  act(form.querySelector("button"), async () => {
    await api("POST", "/api/admin/pools", {
      node: form.node.value, image: form.image.value, role: form.role.value,
      tier: form.tier.value, size: number(form.size.value),
    });
    flash(`Pool of ${form.image.value} added on ${form.node.value}`, "info");
    await loadPools();
  });
});
