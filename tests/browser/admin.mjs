// The admin pages in Debian's Chromium: log in as the admin, edit a tier in the tiers table,
// and find the change after a reload. Usage: node admin.mjs BASE_URL SCREENSHOT_PATH EMAIL PASSWORD
import { logIn, openPage } from "./browser.mjs";

const [base, screenshot, email, password] = process.argv.slice(2);
if (!base || !screenshot || !email || !password) {
  console.error("usage: node admin.mjs BASE_URL SCREENSHOT_PATH EMAIL PASSWORD");
  process.exit(2);
}
const newLimit = String(40 + Math.floor(Math.random() * 50));

const { browser, page, problems } = await openPage({ width: 1440, height: 900 });
page.setDefaultTimeout(30000);

try {
  await logIn(page, base, email, password, "/admin");
  await page.locator("#nav-admin").waitFor();

  const freeTier = page.locator('#tiers tr[data-tier="free"]');
  await freeTier.locator("input[name=max_containers]").fill(newLimit);
  await freeTier.getByRole("button", { name: "Save" }).click();
  await page.locator(".flash-info", { hasText: "Tier free saved" }).waitFor();

  await page.reload();
  const shown = await page.locator('#tiers tr[data-tier="free"] input[name=max_containers]').inputValue();
  if (shown !== newLimit) throw new Error(`after a reload the free tier allows ${shown}, not ${newLimit}`);
  await page.locator("#users tr", { hasText: "admin" }).first().waitFor();
  await page.locator(".stat").first().waitFor();
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`free tier max environments set to ${newLimit} and read back; screenshot at ${screenshot}`);
} catch (error) {
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-failed.png"), fullPage: true }).catch(() => {});
  console.error(`${error.stack}\nurl: ${page.url()}\n${problems.join("\n")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
