// The SSH keys page in Debian's Chromium: add a public key with the form, see its
// fingerprint in the table, then delete it.
// Usage: node ssh-keys.mjs BASE_URL SCREENSHOT_PATH LOGIN PASSWORD PUBLIC_KEY FINGERPRINT SSH_PORT
import { logIn, openPage } from "./browser.mjs";

const [base, screenshot, login, password, publicKey, fingerprint, sshPort] = process.argv.slice(2);
if (!base || !screenshot || !login || !password || !publicKey || !fingerprint || !sshPort) {
  console.error("usage: node ssh-keys.mjs BASE_URL SCREENSHOT_PATH LOGIN PASSWORD PUBLIC_KEY FINGERPRINT SSH_PORT");
  process.exit(2);
}

const { browser, page, problems } = await openPage({ width: 1280, height: 800 });
page.setDefaultTimeout(30000);

try {
  await logIn(page, base, login, password, "/ssh-keys");
  await page.locator("#no-keys").waitFor();
  // The command shown names this server's own SSH port.
  await page.locator("#ssh-example", { hasText: `-p ${sshPort}` }).waitFor();
  const form = page.locator("#key-form");
  await form.locator("input[name=name]").fill("laptop");
  await form.locator("textarea[name=public_key]").fill(publicKey);
  await form.getByRole("button", { name: "Add key" }).click();
  const row = page.locator("#keys tr", { hasText: "laptop" });
  await row.locator("code", { hasText: fingerprint }).waitFor();
  const shown = await row.locator("td").nth(1).innerText();
  await page.screenshot({ path: screenshot, fullPage: true });
  // The same key again is refused, and the page says why.
  await form.locator("input[name=name]").fill("again");
  await form.locator("textarea[name=public_key]").fill(publicKey);
  await form.getByRole("button", { name: "Add key" }).click();
  await page.locator(".flash", { hasText: /already/i }).waitFor();
  page.once("dialog", (dialog) => dialog.accept());
  await row.getByRole("button", { name: "Delete" }).click();
  await page.locator("#no-keys").waitFor({ state: "visible" });
  console.log(`key added (${shown}, ${fingerprint}), refused twice, then deleted; screenshot at ${screenshot}`);
} catch (error) {
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-failed.png"), fullPage: true }).catch(() => {});
  console.error(`${error.stack}\nurl: ${page.url()}\n${problems.join("\n")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
