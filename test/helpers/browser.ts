import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium (/usr/bin/chromium, installed by scripts/setup.sh), never a downloaded browser.
 * The flags keep it off this machine's closed network (no background or component traffic).
 */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

/** Signs in through the console's own form, from wherever `page` stands, and waits for the calendar. */
export async function signInPage(page: Page, email: string, password: string): Promise<void> {
  await page.waitForURL(/\/signin/);
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'サインイン' }).click();
  await page.waitForURL(/\/calendar/);
}
