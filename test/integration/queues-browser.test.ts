import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDocuments } from '../../src/documents/queue.js';
import { inboundDeps } from '../../src/inbound/deps.js';
import { buildWeb } from '../../src/web/server.js';
import { launchChromium, signInPage } from '../helpers/browser.js';
import { appendRaw } from '../helpers/imap.js';
import {
  type InboundStack,
  inboundStack,
  openDay,
  seekerWithBooking,
  waitHandled,
} from '../helpers/inbound.js';
import { idOf, mail } from '../helpers/mail.js';
import { japanesePdf } from '../helpers/pdf.js';
import { signedIn, staffWithPassword } from '../helpers/web.js';

// Issue #11 in real Chromium (Debian's): a triage item worked end to end without a terminal, a
// document downloaded (bytes equal, access audited), a quarantined mail released, and a
// screenshot of each queue in test-output/console/.

const SHOTS = path.resolve(import.meta.dirname, '../../test-output/console');
const PDF = japanesePdf('職務経歴書 01020-33334444');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const PASSWORD = 'correct horse battery';

describe('work queues in the console (Chromium)', { timeout: 180_000 }, () => {
  let s: InboundStack;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    s = await inboundStack('box23', undefined, { settings: { web: { insecureCookies: true } } });
    await staffWithPassword(
      s,
      { name: '統括 一郎', email: 'lead@madoguchi.localhost', role: 'admin' },
      PASSWORD,
    );
    app = await buildWeb(inboundDeps(s.ctx));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    ctx = await browser.newContext({ acceptDownloads: true });
    page = await ctx.newPage();
    await page.goto(`${base}/calendar`);
    await signInPage(page, 'lead@madoguchi.localhost', PASSWORD);
  });
  afterAll(async () => {
    await ctx?.close();
    await browser?.close();
    await app?.close();
    await s?.stop();
  });

  it('a triage item: take, reply (the sink gets it), done; the navigation count follows', async () => {
    const raw = mail({
      from: 'visitor@example.jp',
      subject: '相談できる内容について',
      text: 'オンラインでどんな相談ができますか。',
      dmarc: false,
    });
    await appendRaw('box23', 'INBOX', raw);
    expect(await waitHandled('box23', idOf(raw))).toBe('Processed');
    await page.goto(`${base}/triage`);
    expect(await page.locator('#nav-triage').textContent()).toBe('1');
    await page.screenshot({ path: path.join(SHOTS, 'queue-triage.png'), fullPage: true });
    await page.locator('table a').first().click();
    await page.locator('#take').click();
    await page.waitForURL(/done=1/);
    expect(await page.locator('#state').textContent()).toContain('統括 一郎');
    await page.locator('#reply').fill('相談できる内容は、求人の紹介や応募書類の添削などです。');
    await page.getByRole('button', { name: '送信' }).click();
    await page.waitForURL(/done=1/);
    const sent = await s.sink.waitFor((m) => m.to.includes('visitor@example.jp'));
    expect(sent.raw.toString()).toContain(`In-Reply-To: ${idOf(raw)}`);
    await page.locator('#done').click();
    await page.waitForURL(/done=1/);
    expect(await page.locator('#state').textContent()).toContain('完了');
    expect(await page.locator('#nav-triage').textContent()).toBe('0');
  });

  it('a document: listed, downloaded byte-equal (audited), marked reviewed; another staff member may not open it', async () => {
    const { booking } = await seekerWithBooking(
      s.svc,
      'seeker-docs@example.jp',
      `${openDay(s.ctx, 7).toISODate()}T10:00`,
    );
    const raw = mail({
      from: 'seeker-docs@example.jp',
      subject: '職務経歴書の送付',
      text: '職務経歴書を添付します。よろしくお願いします。',
      files: [
        { name: '職務経歴書.pdf', type: 'application/pdf', data: PDF },
        {
          name: 'macro.docm',
          type: 'application/octet-stream',
          data: Buffer.from('PK\u0003\u0004not really'),
        },
      ],
    });
    await appendRaw('box23', 'INBOX', raw);
    expect(await waitHandled('box23', idOf(raw))).toBe('Processed');
    const [doc] = await listDocuments(inboundDeps(s.ctx));
    expect(doc?.filename).toBe('職務経歴書.pdf');

    await page.goto(`${base}/documents?scope=all&state=all`);
    await page.screenshot({ path: path.join(SHOTS, 'queue-documents.png'), fullPage: true });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(`#${doc!.id} a.download`).click(),
    ]);
    expect(download.suggestedFilename()).toBe('職務経歴書.pdf');
    expect(sha(readFileSync((await download.path())!))).toBe(sha(PDF));
    const reads = (await s.store.auditEntries()).filter((e) => e.action === 'document-read');
    expect(reads).toEqual([expect.objectContaining({ document: doc!.id, reason: 'console' })]);
    await page.locator(`#${doc!.id} button`).click();
    await page.waitForURL(/\/documents$/);
    expect((await s.store.auditEntries()).some((e) => e.action === 'document-reviewed')).toBe(true);

    // The booking page lists it, and the refused file with the reason the seeker was given.
    await page.goto(`${base}/bookings/${booking.id}`);
    expect(await page.locator('#booking-documents').textContent()).toContain('職務経歴書.pdf');
    expect(await page.locator('#refused').textContent()).toContain('macro.docm');

    // P5: a staff member who is neither assigned nor an admin cannot open it (added only now:
    // B9 gives a booking to the least-loaded staff member, which a newcomer would have been).
    const other = await staffWithPassword(
      s,
      { name: '別の 職員', email: 'other@madoguchi.localhost' },
      PASSWORD,
    );
    expect(other.id).not.toBe(doc!.staffId);
    const c = await signedIn(app, 'other@madoguchi.localhost', PASSWORD);
    const res = await c.get(`/documents/${doc!.id}/download`);
    expect(res.statusCode).toBe(403);
    expect((await c.get('/admin/quarantine')).statusCode).toBe(403);
    expect((await c.get('/admin/operations')).statusCode).toBe(403);
  });

  it('a quarantined mail: shown with its reason, released from the page (audited); operations says what is wrong', async () => {
    const raw = mail({
      from: 'hostile@example.jp',
      subject: 'x',
      text: 'y',
      headers: { 'X-Padding': 'a'.repeat(70_000) }, // a header block over 64 KB: unparseable
    });
    await appendRaw('box23', 'INBOX', Buffer.from(raw));
    expect(await waitHandled('box23', idOf(raw))).toBe('Quarantine');
    await page.goto(`${base}/admin/operations`);
    expect(await page.locator('#problems').textContent()).toContain('隔離したメールがあります');
    await page.screenshot({ path: path.join(SHOTS, 'queue-operations.png'), fullPage: true });
    await page.goto(`${base}/admin/quarantine`);
    await page.screenshot({ path: path.join(SHOTS, 'queue-quarantine.png'), fullPage: true });
    await page.locator('#quarantine a').first().click();
    expect(await page.locator('#reason').textContent()).toBe('MAIL_UNPARSEABLE');
    await page.locator('#release').click();
    await page.waitForURL(/done=1/);
    expect((await s.store.auditEntries()).some((e) => e.action === 'release')).toBe(true);
  });

  it('the BullMQ dashboard at /admin/queues: admins only, changes only from our own origin', async () => {
    await page.goto(`${base}/admin/queues`);
    await page.getByText('inbound', { exact: false }).first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(SHOTS, 'queue-board.png') });
    const api = await page.evaluate(async () => (await fetch('/admin/queues/api/queues')).status);
    expect(api).toBe(200);
    expect((await s.store.auditEntries()).some((e) => e.action === 'queues-view')).toBe(true);
    const anon = await app.inject({ method: 'GET', url: '/admin/queues/api/queues' });
    expect(anon.statusCode, anon.body).toBe(303); // to the sign-in page
    await staffWithPassword(s, { name: '一般 職員', email: 'plain@madoguchi.localhost' }, PASSWORD);
    const c = await signedIn(app, 'plain@madoguchi.localhost', PASSWORD);
    expect((await c.get('/admin/queues')).statusCode).toBe(403);
    expect((await c.get('/admin/queues/api/queues')).statusCode).toBe(403);
    // An admin's session, but a request from another site: refused.
    const cookies = await ctx.cookies();
    const cookie = cookies.map((k) => `${k.name}=${k.value}`).join('; ');
    const foreign = await app.inject({
      method: 'PUT',
      url: '/admin/queues/api/queues/outbox/retry/failed',
      headers: { cookie, origin: 'http://evil.example' },
    });
    expect(foreign.statusCode).toBe(403);
  });
});
