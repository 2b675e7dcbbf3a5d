// What every browser test starts with: a deadline, Debian's Chromium, and a page that
// collects the errors it logs, for the failure report.
import { chromium } from "playwright-core";

export async function openPage(viewport) {
  const deadline = Number(process.env.BROWSER_TEST_TIMEOUT_MS || 180000);
  // The harness waits on this process, so it must end even if the browser hangs.
  setTimeout(() => {
    console.error(`gave up after ${deadline} ms`);
    process.exit(1);
  }, deadline).unref();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run",
    ],
  });
  const page = await browser.newPage({ viewport });
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return { browser, page, problems };
}

// Logs in through the login form and waits for the page it leads to.
export async function logIn(page, base, login, password, next) {
  await page.goto(`${base}/login?next=${next}`);
  await page.fill("input[name=login]", login);
  await page.fill("input[name=password]", password);
  await page.click("#login-form button[type=submit]");
  await page.waitForURL(`${base}${next}`);
}
