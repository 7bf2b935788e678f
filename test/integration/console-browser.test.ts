import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DateTime } from 'luxon';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff } from '../../src/bookings/staff.js';
import { inboundDeps } from '../../src/inbound/deps.js';
import { Accounts } from '../../src/web/accounts.js';
import { buildWeb } from '../../src/web/server.js';
import { launchChromium, signInPage } from '../helpers/browser.js';
import { inspectInvite, libicalCheck } from '../helpers/ics-lint.js';
import { type InboundStack, inboundStack, openDay } from '../helpers/inbound.js';

// Issue #10 in a real browser: Debian's Chromium (/usr/bin/chromium, installed by scripts/setup.sh)
// driven by playwright-core, never a downloaded browser. One browser for the file; every wait is on
// a condition. Screenshots of the main pages go to test-output/console/ for a reviewer.
const SHOTS = path.resolve(import.meta.dirname, '../../test-output/console');
const PASSWORD = 'correct horse battery';

describe('the console in Chromium: sign in, book by phone, reschedule, cancel, two desks, sign out', {
  timeout: 90_000,
}, () => {
  let s: InboundStack;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let now: DateTime;
  const staff = { a: 'desk-a@madoguchi.localhost', b: 'desk-b@madoguchi.localhost' };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await inboundStack('box19', ['outbox'], { settings: { web: { insecureCookies: true } } });
    // The desk's clock: 09:00 JST on an open office day, so today's slots exist (B4 needs an override).
    now = openDay(s.ctx, 1).set({ hour: 9 });
    app = await buildWeb(inboundDeps(s.ctx, { clock: { now: () => now } }));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    const accounts = new Accounts(s.ctx.redis, s.ctx.config.connections.redisPrefix);
    for (const [i, email] of [staff.a, staff.b].entries()) {
      const st = await addStaff(s.svc.store, {
        name: `窓口 ${i ? '二郎' : '一子'}`,
        email,
        zoomId: '12345678901',
        zoomPasscode: 'p',
      });
      await accounts.setPassword(st.id, PASSWORD);
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await s?.stop();
  });

  const signIn = async (ctx: BrowserContext, email: string): Promise<Page> => {
    const page = await ctx.newPage();
    await page.goto(`${base}/calendar`);
    await signInPage(page, email, PASSWORD);
    return page;
  };
  const invite = (to: string, method: string, seq: number) =>
    s.sink.waitFor(
      (m) => m.to.includes(to) && m.raw.includes(`method=${method}`) && m.raw.includes(`SEQUENCE:${seq}`),
    );
  // Slots are offered from now on: the first is today's (same day, B4), the last weeks ahead.
  const slotIndex = async (page: Page, which: 'first' | 'last', select = '#slot') =>
    which === 'first' ? 0 : (await page.locator(`${select} option`).count()) - 1;
  const fill = async (page: Page, topic: string, which: 'first' | 'last', email: string) => {
    await page.goto(`${base}/book`);
    await page.getByLabel('求職番号').fill('01020 - １２３４５６７８');
    await page.getByLabel('氏名').focus(); // leaving the number: normalised as B6 does, by the server
    await expect
      .poll(() => page.getByLabel('求職番号').inputValue(), { timeout: 10_000 })
      .toBe('01020-12345678');
    await page.getByLabel('氏名').fill('山田 "テスト" 太郎');
    await page.getByLabel('生年月日').fill('1985-04-01');
    await page.getByLabel('メールアドレス').fill(email);
    await page.getByLabel('電話番号').fill('090-1234-5678');
    await page.getByLabel('日時').selectOption({ index: await slotIndex(page, which) });
    await page.getByLabel('相談内容').fill(topic);
    await page.getByRole('button', { name: '内容を確認する' }).click();
  };

  it('signs in, books a seeker by phone (same day: the B4 override with its reason), invitations pass libical', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await signIn(ctx, staff.a);
    await page.screenshot({ path: path.join(SHOTS, 'calendar.png'), fullPage: true });

    // B12: the referral text is shown before anything is booked.
    await fill(page, '障害者雇用の求人について相談したい', 'last', 'b12@example.jp');
    await page.locator('.referral').waitFor();

    // Today's first slot (index 0): refused as same-day until the recorded override is ticked.
    await fill(page, '職務経歴書の添削', 'first', 'browser@example.jp');
    await expect
      .poll(() => page.locator('#form-error').textContent(), { timeout: 15_000 })
      .toContain('前日までに');
    await page.screenshot({ path: path.join(SHOTS, 'book-form.png'), fullPage: true });
    await page.getByLabel('前日までの予約の原則の例外').check();
    await page.getByLabel('例外の理由').fill('急ぎの応募書類の確認');
    await page.getByRole('button', { name: '内容を確認する' }).click();
    await page.getByRole('button', { name: 'この内容で予約する' }).click();
    await page.waitForSelector('#booking-link');
    await page.screenshot({ path: path.join(SHOTS, 'book-done.png'), fullPage: true });
    const id = (await page.locator('#booking-link').getAttribute('href'))!.split('/').pop()!;
    const b = await s.svc.store.getBooking(id);
    expect(b).toMatchObject({
      status: 'booked',
      sequence: 0,
      leadTimeOverride: { reason: '急ぎの応募書類の確認' },
    });
    const inv = await invite('browser@example.jp', 'REQUEST', 0);
    expect(libicalCheck([(await inspectInvite(inv.raw)).ics])[0]).toMatch(/OK$/);

    // Reschedule (free slots only), then cancel by phone: same UID, SEQUENCE+1 each time.
    await page.locator('#booking-link').click();
    await page.getByLabel('日時を変更').selectOption({ index: await slotIndex(page, 'last') });
    await page.getByRole('button', { name: '日時を変更' }).click();
    await page.getByText('変更しました').waitFor();
    await invite('browser@example.jp', 'REQUEST', 1);
    await page.screenshot({ path: path.join(SHOTS, 'booking.png'), fullPage: true });
    await page.getByRole('button', { name: 'キャンセル' }).click();
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 15_000 }).toBe('キャンセル');
    const cancelled = await invite('browser@example.jp', 'CANCEL', 2);
    expect((await inspectInvite(cancelled.raw)).event.uid).toBe(b!.uid);
    await ctx.close();
  });

  it('two desks on one booking: one wins, the other is told it changed meanwhile; sign out', async () => {
    const a = await browser.newContext();
    const bctx = await browser.newContext({ viewport: { width: 390, height: 844 } }); // a phone
    const pa = await signIn(a, staff.a);
    const pb = await signIn(bctx, staff.b);
    await fill(pa, '面接の練習', 'last', 'twodesks@example.jp');
    await pa.getByRole('button', { name: 'この内容で予約する' }).click();
    const href = (await pa.locator('#booking-link').getAttribute('href'))!;
    await pa.goto(`${base}${href}`);
    await pb.goto(`${base}${href}`);
    await pb.screenshot({ path: path.join(SHOTS, 'booking-phone.png'), fullPage: true });
    await pa.getByRole('button', { name: 'キャンセル' }).click();
    await expect.poll(() => pa.locator('#status').textContent(), { timeout: 15_000 }).toBe('キャンセル');
    await pb.getByRole('button', { name: '相談を開始（出席）' }).click();
    await expect
      .poll(() => pb.locator('#action-error').textContent())
      .toContain('他の職員によって変更されました');

    await pb.getByRole('button', { name: 'サインアウト' }).click();
    await pb.waitForURL(/\/signin/);
    await pb.goto(`${base}/calendar`);
    await pb.waitForURL(/\/signin/);
    await a.close();
    await bctx.close();
  });
});
