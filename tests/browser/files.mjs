// The files panel of an environment's page in Debian's Chromium, as the environment's owner:
// follow a symlink to /etc and come back, upload two files through the file input, make a
// folder and go into it, drop a file onto the panel, download it and compare its bytes,
// delete it, go up and delete one of the first two. Usage: node files.mjs BASE_URL
// SCREENSHOT_PATH TOKEN ENVIRONMENT_ID CHOSEN_HEX (CHOSEN_HEX: the bytes of data.bin, the
// file chosen beside notes.txt, which is kept).
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { openPage } from "./browser.mjs";

const [base, screenshot, token, environment, chosenHex] = process.argv.slice(2);
if (!base || !screenshot || !token || !environment || !chosenHex) {
  console.error("usage: node files.mjs BASE_URL SCREENSHOT_PATH TOKEN ENVIRONMENT_ID CHOSEN_HEX");
  process.exit(2);
}
// Every byte value, so a text-only path anywhere on the way would show.
const dropped = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(3000)]);

const { browser, page, problems } = await openPage({ width: 1440, height: 900 });
page.setDefaultTimeout(30000);
const row = (name) => page.locator(`#files-list tr[data-name="${name}"]`);

async function deleteRow(name) {
  page.once("dialog", (dialog) => dialog.accept());
  await row(name).getByRole("button", { name: `Delete ${name}` }).click();
  await row(name).waitFor({ state: "detached" });
}

try {
  // The UI keeps its session token in localStorage; set it as logging in would.
  await page.goto(`${base}/login`);
  await page.evaluate((value) => localStorage.setItem("sandboxd.token", value), token);
  await page.goto(`${base}/environments/${environment}`);
  await page.locator("#files-crumbs", { hasText: "root" }).waitFor();
  await page.locator("#files-status", { hasText: "item" }).waitFor();
  console.log("files panel open in /root");

  const link = page.locator('#files-list tr[data-name="etc-link"][data-kind="link"]');
  const target = await link.locator(".files-target").innerText();
  await link.locator("button.files-name").click();
  await page.locator('#files-list tr[data-name="passwd"]').waitFor();
  const shown = await page.locator("#files-crumbs").innerText();
  await page.locator(".files-crumb", { hasText: /^\/$/ }).click();
  await page.locator('#files-list tr[data-name="root"] button.files-name').click();
  await page.locator("#files-crumbs", { hasText: "root" }).waitFor();
  console.log(`etc-link shown as ${target}, opened as ${shown.replace(/\s+/g, "")}`);

  await page.setInputFiles("#files-input", [
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("some notes\n") },
    { name: "data.bin", mimeType: "application/octet-stream", buffer: Buffer.from(chosenHex, "hex") },
  ]);
  await page.locator(".flash-info", { hasText: "Uploaded 2 files to /root" }).waitFor();
  await row("notes.txt").waitFor();
  const size = await row("data.bin").locator("td").nth(1).innerText();
  console.log(`chose two files; data.bin listed at ${size}`);

  // An error from the API reaches the user: a folder cannot take a file's name.
  await page.click("#files-new-folder");
  await page.fill("#files-mkdir input[name=folder]", "notes.txt");
  await page.click("#files-mkdir button[type=submit]");
  const refused = await page.locator(".flash-error", { hasText: "not a directory" }).innerText();
  console.log(`making a folder over a file: ${refused}`);

  await page.fill("#files-mkdir input[name=folder]", "drop box");
  await page.click("#files-mkdir button[type=submit]");
  await page.locator('#files-list tr[data-name="drop box"][data-kind="dir"]').waitFor();
  await row("drop box").locator("button.files-name").click();
  await page.locator("#files-crumbs", { hasText: "drop box" }).waitFor();
  await page.locator("#files-list", { hasText: "This folder is empty." }).waitFor();
  console.log("made the folder drop box and went into it");

  // What a file dragged in from the desktop delivers: a DataTransfer holding a File.
  const highlighted = await page.evaluate((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], "dropped.bin"));
    const panel = document.getElementById("files-list");
    const drag = (type) => panel.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    drag("dragenter");
    drag("dragover");
    const shown = document.getElementById("files").classList.contains("files-dragging");
    drag("drop");
    return shown;
  }, [...dropped]);
  if (!highlighted) throw new Error("dragging files over the panel did not highlight it");
  await page.locator(".flash-info", { hasText: "Uploaded 1 file to /root/drop box" }).waitFor();
  await row("dropped.bin").waitFor();
  console.log("dropped dropped.bin onto the panel");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    row("dropped.bin").locator("button.files-name").click(),
  ]);
  const downloaded = await readFile(await download.path());
  if (download.suggestedFilename() !== "dropped.bin" || !downloaded.equals(dropped)) {
    throw new Error(`downloaded ${download.suggestedFilename()} with ${downloaded.length} bytes, not the ${dropped.length} dropped`);
  }
  console.log(`downloaded dropped.bin: ${downloaded.length} bytes, the same as dropped`);

  await deleteRow("dropped.bin");
  await page.locator("#files-list", { hasText: "This folder is empty." }).waitFor();
  await page.click("#files-up");
  await page.locator("#files-crumbs", { hasText: "drop box" }).waitFor({ state: "detached" });
  await deleteRow("notes.txt");
  await row("data.bin").waitFor();
  await page.screenshot({ path: screenshot });
  console.log(`deleted dropped.bin and notes.txt; screenshot at ${screenshot}`);
} catch (error) {
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-failed.png") }).catch(() => {});
  console.error(`${error.stack}\nurl: ${page.url()}\n${problems.join("\n")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
