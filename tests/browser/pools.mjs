// The warm pools section of the admin page in Debian's Chromium: add a pool with the form,
// resize it in its row until its member is ready, then remove it.
// Usage: node pools.mjs BASE_URL SCREENSHOT_PATH EMAIL PASSWORD NODE
import { logIn, openPage } from "./browser.mjs";

const [base, screenshot, email, password, node] = process.argv.slice(2);
if (!base || !screenshot || !email || !password || !node) {
  console.error("usage: node pools.mjs BASE_URL SCREENSHOT_PATH EMAIL PASSWORD NODE");
  process.exit(2);
}

const { browser, page, problems } = await openPage({ width: 1440, height: 900 });
page.setDefaultTimeout(60000);
const rows = () => page.locator("#pools tr");

try {
  await logIn(page, base, email, password, "/admin");
  const form = page.locator("#pool-form");
  await form.locator("select[name=node]").selectOption(node);
  await form.locator("select[name=image]").selectOption("debian:bookworm");
  await form.locator("select[name=role]").selectOption("barebone");
  await form.locator("select[name=tier]").selectOption("free");
  await form.locator("input[name=size]").fill("0");
  await form.getByRole("button", { name: "Add pool" }).click();
  await page.locator(".flash-info", { hasText: `added on ${node}` }).waitFor();
  const row = rows().first();
  await row.locator("input[name=size]").fill("1");
  await row.getByRole("button", { name: "Save" }).click();
  await page.locator(".flash-info", { hasText: "resized to 1" }).waitFor();
  // The page refreshes itself while the member is being made.
  await row.locator(".ready-count", { hasText: "1 ready" }).waitFor();
  const id = await row.getAttribute("data-pool");
  await page.screenshot({ path: screenshot, fullPage: true });
  page.once("dialog", (dialog) => dialog.accept());
  await row.getByRole("button", { name: "Remove" }).click();
  await page.locator(".flash-info", { hasText: "removed" }).waitFor();
  // The table may still be redrawing from its own refresh: the row must be gone for good.
  await page.waitForFunction(() => document.querySelectorAll("#pools tr").length === 0);
  await page.waitForTimeout(2500);
  const left = await rows().count();
  if (left !== 0) throw new Error(`${left} pools left after the removal`);
  console.log(`pool ${id} added, resized to 1, its member ready, then removed; screenshot at ${screenshot}`);
} catch (error) {
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-failed.png"), fullPage: true }).catch(() => {});
  console.error(`${error.stack}\nurl: ${page.url()}\n${problems.join("\n")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
