// The ports panel of an environment's page in Debian's Chromium, as the environment's owner:
// port 8000 listed as reachable and 8001 (bound to the loopback) with the hint to bind
// 0.0.0.0; Open shows the web app in a new tab on its preview host; the port made public;
// a share link made, then revoked. Usage: node ports.mjs BASE_URL SCREENSHOT_PATH TOKEN
// ENVIRONMENT_ID
import { openPage } from "./browser.mjs";

const [base, screenshot, token, environment] = process.argv.slice(2);
if (!base || !screenshot || !token || !environment) {
  console.error("usage: node ports.mjs BASE_URL SCREENSHOT_PATH TOKEN ENVIRONMENT_ID");
  process.exit(2);
}

const { browser, page, problems } = await openPage({ width: 1440, height: 900 });
page.setDefaultTimeout(30000);
const port = (number) => page.locator(`#ports-list tr[data-port="${number}"]`);

try {
  // The UI keeps its session token in localStorage; set it as logging in would.
  await page.goto(`${base}/login`);
  await page.evaluate((value) => localStorage.setItem("sandboxd.token", value), token);
  await page.goto(`${base}/environments/${environment}`);
  await page.locator('#ports-list tr[data-port="8000"][data-reachable="true"]').waitFor();
  const hint = await port(8001).locator(".ports-hint").innerText();
  if (!(await port(8001).getByRole("button", { name: "Open" }).isDisabled())) {
    throw new Error("a port bound to the loopback can be opened, though a preview cannot reach it");
  }
  console.log(`8000 listed as ${await port(8000).locator(".ports-badge").innerText()}; 8001: ${hint}`);

  const [preview] = await Promise.all([
    page.waitForEvent("popup"),
    port(8000).getByRole("button", { name: "Open" }).click(),
  ]);
  await preview.waitForURL(new RegExp(`^http://8000-${environment}\\.preview\\.localhost:\\d+/$`));
  const read = (await preview.locator("body").innerText()).trim();
  if (read !== "hello from the preview") throw new Error(`the preview at ${preview.url()} shows ${read}`);
  if (!(await preview.evaluate(() => window.opener === null))) throw new Error("the preview can reach the page that opened it");
  console.log(`opened ${new URL(preview.url()).host} and read ${read}`);
  await preview.close();

  await port(8000).getByLabel("Public").check();
  await page.locator(".flash-info", { hasText: "Port 8000 is public" }).waitFor();
  await page.locator('#ports-list tr[data-port="8000"][data-public="true"]').waitFor();
  console.log("made 8000 public");

  await port(8000).getByRole("button", { name: "Share" }).click();
  const made = page.locator('#ports-shares li[data-port="8000"]').first();
  const url = await made.locator("input").inputValue();
  await page.locator(".flash-info", { hasText: "Share link for port 8000 made" }).waitFor();
  console.log(`shared 8000 as ${url}; listed as ${await made.locator(".muted").innerText()}`);
  await page.screenshot({ path: screenshot });

  page.once("dialog", (dialog) => dialog.accept());
  await made.getByRole("button", { name: "Revoke" }).click();
  await page.locator(".flash-info", { hasText: "Share link for port 8000 revoked" }).waitFor();
  const ended = await page.locator('#ports-shares li[data-port="8000"].ports-ended .muted').innerText();
  console.log(`revoked it: listed as ${ended}; screenshot at ${screenshot}`);
} catch (error) {
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-failed.png") }).catch(() => {});
  console.error(`${error.stack}\nurl: ${page.url()}\n${problems.join("\n")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
