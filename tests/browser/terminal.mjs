// The web UI end to end in Debian's Chromium: sign up, create an environment from the form,
// wait for it to be ready, open its terminal, type a command and read its output back from
// the page. Usage: node terminal.mjs BASE_URL SCREENSHOT_PATH
import { randomBytes } from "node:crypto";
import { openPage } from "./browser.mjs";

const [base, screenshot] = process.argv.slice(2);
if (!base || !screenshot) {
  console.error("usage: node terminal.mjs BASE_URL SCREENSHOT_PATH");
  process.exit(2);
}
const marker = `hello-${randomBytes(4).toString("hex")}`;
const user = `ui${randomBytes(4).toString("hex")}`;

const { browser, page, problems } = await openPage({ width: 1280, height: 800 });
page.setDefaultTimeout(60000);

try {
  await page.goto(`${base}/signup`);
  await page.fill("input[name=email]", `${user}@example.com`);
  await page.fill("input[name=username]", user);
  await page.fill("input[name=password]", "correct horse battery");
  await page.click("#signup-form button[type=submit]");
  await page.waitForURL(`${base}/environments`);
  console.log(`signed up as ${user}`);

  await page.click("#new-environment");
  await page.selectOption("#image", "debian:bookworm");
  await page.selectOption("#role", "barebone");
  const limits = await page.locator("[data-range=memory_mb]").innerText();
  console.log(`memory limits shown: ${limits}`);
  await page.click("#create-form button[type=submit]");

  // The card shows the stages as they come over /ws/events, then the terminal link.
  await page.locator(".env").first().waitFor();
  const open = page.locator(".env[data-status=running] a.button", { hasText: "Open terminal" });
  await open.waitFor({ timeout: 120000 });
  console.log("environment ready");
  await open.click();
  await page.waitForURL(/\/environments\/[0-9a-f-]{36}$/);
  await page.locator(".connection-up").waitFor();

  await page.locator(".xterm").click();
  await page.keyboard.type(`echo ${marker}`);
  await page.keyboard.press("Enter");
  // The command line holds "echo <marker>"; a row that is just the marker is the output.
  await page.waitForFunction((expected) => {
    const rows = document.querySelector(".xterm-rows");
    return rows && rows.innerText.split("\n").some((line) => line.trim() === expected);
  }, marker, { timeout: 30000 });
  await page.screenshot({ path: screenshot });
  console.log(`typed and read back ${marker}; screenshot at ${screenshot}`);
} catch (error) {
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-failed.png") }).catch(() => {});
  const rows = await page.locator(".xterm-rows").innerText().catch(() => "(no terminal)");
  console.error(`${error.stack}\nurl: ${page.url()}\nterminal:\n${rows}\n${problems.join("\n")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
