// The nodes section of the admin page in Debian's Chromium: drain and undrain a node with
// its buttons and give it labels in its row, each change read back after a reload.
// Usage: node nodes.mjs BASE_URL SCREENSHOT_PATH EMAIL PASSWORD NODE
import { logIn, openPage } from "./browser.mjs";

const [base, screenshot, email, password, name] = process.argv.slice(2);
if (!base || !screenshot || !email || !password || !name) {
  console.error("usage: node nodes.mjs BASE_URL SCREENSHOT_PATH EMAIL PASSWORD NODE");
  process.exit(2);
}
const labels = `pool=browser-${Math.floor(Math.random() * 1000)}`;

const { browser, page, problems } = await openPage({ width: 1440, height: 900 });
page.setDefaultTimeout(30000);
const row = () => page.locator(`#nodes tr[data-node="${name}"]`);

try {
  await logIn(page, base, email, password, "/admin");

  await row().getByRole("button", { name: "Drain" }).click();
  await row().locator(".badge", { hasText: "draining" }).waitFor();
  await page.reload();
  await row().getByRole("button", { name: "Undrain" }).click();
  await row().locator(".badge", { hasText: "active" }).waitFor();

  await row().locator("input[name=labels]").fill(labels);
  await row().getByRole("button", { name: "Save" }).click();
  await page.locator(".flash-info", { hasText: `Node ${name} saved` }).waitFor();
  await page.reload();
  const shown = await row().locator("input[name=labels]").inputValue();
  if (shown !== labels) throw new Error(`after a reload the node's labels are ${shown}, not ${labels}`);
  const environments = await row().locator("td").nth(5).textContent();
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`drained, undrained, labels set to ${labels} and read back; ${environments} environments; screenshot at ${screenshot}`);
} catch (error) {
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-failed.png"), fullPage: true }).catch(() => {});
  console.error(`${error.stack}\nurl: ${page.url()}\n${problems.join("\n")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
