// The environment page's files panel over /api/containers/{id}/files: browse folders,
// download, upload (chosen or dropped), make folders and delete.
"use strict";

(() => {
  const environmentId = decodeURIComponent(location.pathname.split("/")[2] || "");
  const filesApi = `/api/containers/${encodeURIComponent(environmentId)}/files`;
  const hiddenKey = "sandboxd.files.hidden";
  // Environments start their shells here; an image without it falls back to the root.
  const HOME = "/root";

  const byId = (id) => document.getElementById(id);
  const panel = byId("files");
  const list = byId("files-list");
  const crumbs = byId("files-crumbs");
  const status = byId("files-status");
  const input = byId("files-input");
  const mkdirForm = byId("files-mkdir");
  const toggle = byId("files-toggle");
  const up = byId("files-up");

  let folder = HOME;
  let shown = false;
  // Only the newest listing is drawn, whichever answers last.
  let listing = 0;

  const query = (params) => new URLSearchParams(params).toString();
  const parentOf = (path) => path.replace(/\/[^/]*$/, "") || "/";
  const plural = (count, word) => `${count} ${word}${count === 1 ? "" : "s"}`;

  function size(bytes) {
    const unit = Math.min(4, Math.floor(Math.log(Math.max(bytes, 1)) / Math.log(1024)));
    const value = bytes / 1024 ** unit;
    return unit ? `${value.toFixed(value < 10 ? 1 : 0)} ${"KMGT"[unit - 1]}B` : `${bytes} B`;
  }

  function showCrumbs() {
    const crumb = (label, path) => el("button", { type: "button", class: "files-crumb", onclick: () => open(path) }, label);
    const parts = folder.split("/").filter(Boolean);
    crumbs.replaceChildren(crumb("/", "/"), ...parts.map((part, index) =>
      [index ? "/" : "", crumb(part, `/${parts.slice(0, index + 1).join("/")}`)]).flat());
    up.disabled = folder === "/";
  }

  const kindOf = (file) => (file.is_symlink ? "link" : file.is_dir ? "dir" : "file");

  /// Where a symlink leads (the folder's own path for a folder), as the kernel would resolve it.
  function resolve(file) {
    if (!file.is_symlink) return file.path;
    const target = file.link_target || "";
    const parts = [];
    for (const part of `${target.startsWith("/") ? "" : parentOf(file.path)}/${target}`.split("/")) {
      if (part === "..") parts.pop();
      else if (part && part !== ".") parts.push(part);
    }
    return `/${parts.join("/")}`;
  }

  const action = (kind, label, text, onclick) =>
    el("button", { type: "button", class: `${kind} small`, title: label, "aria-label": label, onclick }, text);

  function row(file) {
    const kind = kindOf(file);
    const name = el("button", {
      type: "button",
      class: `files-name files-${kind}`,
      title: file.path,
      // A symlink opens the folder it leads to, and downloads otherwise.
      onclick: () => (kind === "file" ? act(null, () => download(file)) : open(resolve(file), () => download(file))),
    }, el("span", { class: "files-icon", "aria-hidden": "true" }, { dir: "▸", file: "·", link: "↪" }[kind]), file.name);
    return el("tr", { dataset: { name: file.name, kind } },
      el("td", { class: "files-cell-name" }, name,
        file.is_symlink && el("div", { class: "files-target muted" }, `→ ${file.link_target || "?"}`)),
      el("td", { class: "right nowrap muted" }, kind === "file" ? size(file.size) : ""),
      el("td", { class: "nowrap muted", title: new Date(file.mod_time).toLocaleString() }, since(file.mod_time)),
      el("td", { class: "right nowrap" },
        action("secondary", `Download ${file.name}`, "↓", (e) => act(e.currentTarget, () => download(file))),
        action("danger", `Delete ${file.name}`, "✕", (e) => remove(e.currentTarget, file))));
  }

  function showFiles(files) {
    const sorted = [...files].sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || a.name.localeCompare(b.name));
    if (!sorted.length) {
      list.replaceChildren(el("p", { class: "empty" }, "This folder is empty."));
    } else {
      list.replaceChildren(el("table", { class: "table files-table" },
        el("thead", {}, el("tr", {}, el("th", {}, "Name"), el("th", { class: "right" }, "Size"), el("th", {}, "Modified"), el("th", {}))),
        el("tbody", {}, sorted.map(row))));
    }
    status.textContent = plural(sorted.length, "item");
  }

  /// Lists `path` and makes it the current folder; a failure leaves the last good folder.
  /// `orFile` runs instead when `path` turns out not to be a folder.
  async function open(path, orFile) {
    const mine = ++listing;
    status.textContent = "Loading…";
    try {
      const result = await api("GET", `${filesApi}/list?${query({ path })}`);
      if (mine !== listing) return;
      folder = result.path;
      shown = true;
      showCrumbs();
      showFiles(result.files);
    } catch (err) {
      if (mine !== listing) return;
      status.textContent = "";
      if (orFile && err.code === "NOT_A_DIRECTORY") return act(null, orFile);
      if (!shown && path === HOME && err.code === "FILE_NOT_FOUND") return open("/");
      if (shown) return flash(describe(err));
      showCrumbs();
      list.replaceChildren(el("p", { class: "files-error" }, describe(err)));
    }
  }

  const refresh = () => open(folder);

  /// Fetched with the session's token (a plain link would carry none), then saved from memory.
  async function download(file) {
    const params = { path: file.path };
    if (file.is_dir) params.format = "tar";
    status.textContent = `Downloading ${file.name}…`;
    try {
      const response = await apiResponse("GET", `${filesApi}?${query(params)}`);
      const url = URL.createObjectURL(await response.blob());
      el("a", { href: url, download: file.is_dir ? `${file.name}.tar` : file.name }).click();
      // The browser has taken the bytes by the time a download starts; keep them briefly anyway.
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } finally {
      status.textContent = "";
    }
  }

  async function upload(files) {
    if (!files.length) return;
    const into = folder;
    const form = new FormData();
    for (const file of files) form.append("file", file, file.name);
    status.textContent = `Uploading ${plural(files.length, "file")}…`;
    try {
      const result = await api("POST", `${filesApi}?${query({ path: into === "/" ? "/" : `${into}/` })}`, form);
      flash(`Uploaded ${plural(result.count || 1, "file")} to ${into}`, "info");
    } catch (err) {
      flash(describe(err));
    } finally {
      status.textContent = "";
      if (folder === into) await refresh();
    }
  }

  async function remove(button, file) {
    const what = file.is_dir ? `the folder ${file.path} and everything in it` : file.path;
    if (!confirm(`Delete ${what}?`)) return;
    await act(button, async () => {
      await api("DELETE", `${filesApi}?${query({ path: file.path })}`);
      flash(`Deleted ${file.path}`, "info");
      await refresh();
    });
  }

  function showPanel(visible) {
    panel.hidden = !visible;
    toggle.setAttribute("aria-pressed", String(visible));
    localStorage.setItem(hiddenKey, visible ? "" : "1");
    if (visible && !shown) refresh();
  }

  up.addEventListener("click", () => open(parentOf(folder)));
  byId("files-refresh").addEventListener("click", refresh);
  byId("files-upload").addEventListener("click", () => input.click());
  input.addEventListener("change", async () => {
    const files = [...input.files];
    // Cleared so that choosing the same file again uploads it again.
    input.value = "";
    await upload(files);
  });
  byId("files-new-folder").addEventListener("click", () => {
    mkdirForm.hidden = false;
    mkdirForm.folder.focus();
  });
  const closeMkdir = () => {
    mkdirForm.reset();
    mkdirForm.hidden = true;
  };
  byId("files-mkdir-cancel").addEventListener("click", closeMkdir);
  mkdirForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = mkdirForm.folder.value.trim();
    if (!name) return;
    act(mkdirForm.querySelector("button[type=submit]"), async () => {
      const path = name.startsWith("/") ? name : `${folder === "/" ? "" : folder}/${name}`;
      await api("POST", `${filesApi}/mkdir`, { path });
      closeMkdir();
      await refresh();
    });
  });
  toggle.addEventListener("click", () => showPanel(panel.hidden));

  // Drag events fire for every child entered and left; counting them tells when the
  // pointer really leaves the panel.
  let dragDepth = 0;
  const carriesFiles = (event) => [...(event.dataTransfer?.types || [])].includes("Files");
  const highlight = (change) => {
    dragDepth = change ? Math.max(0, dragDepth + change) : 0;
    panel.classList.toggle("files-dragging", dragDepth > 0);
  };
  panel.addEventListener("dragenter", (event) => carriesFiles(event) && highlight(1));
  panel.addEventListener("dragleave", (event) => carriesFiles(event) && highlight(-1));
  panel.addEventListener("drop", (event) => {
    event.preventDefault();
    highlight(0);
    upload([...(event.dataTransfer?.files || [])]);
  });
  // Accepting drags anywhere lets the panel take drops, and a file dropped beside it does
  // not replace the page (and the shell with it).
  for (const type of ["dragenter", "dragover", "drop"]) {
    window.addEventListener(type, (event) => carriesFiles(event) && event.preventDefault());
  }

  // The terminal script announces each look at the environment: once it runs, a listing
  // that failed while it was provisioning can be tried again.
  document.addEventListener("environment", (event) => {
    if (event.detail.status === "running" && !shown && !panel.hidden) refresh();
  });

  showCrumbs();
  showPanel(localStorage.getItem(hiddenKey) !== "1");
})();
