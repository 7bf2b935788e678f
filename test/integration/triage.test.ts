import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff } from '../../src/bookings/staff.js';
import { inboundDeps } from '../../src/inbound/deps.js';
import { threadMails } from '../../src/triage/mail.js';
import { listTriage } from '../../src/triage/queue.js';
import { buildWeb } from '../../src/web/server.js';
import { launchChromium, signInPage } from '../helpers/browser.js';
import { CORPUS, corpusMails } from '../helpers/corpus.js';
import { appendRaw } from '../helpers/imap.js';
import {
  type InboundStack,
  inboundStack,
  openDay,
  seekerWithBooking,
  waitHandled,
} from '../helpers/inbound.js';
import { idOf, mail } from '../helpers/mail.js';
import { runCli } from '../helpers/processes.js';
import { signedIn, staffWithPassword } from '../helpers/web.js';

// Issue #11, first part: the triage queue as items with a state, through the CLI (the console's
// pages will call the same functions in src/triage/queue.ts).

describe('triage queue: list, show, assign, done (CLI, real stack)', () => {
  let s: InboundStack;
  beforeAll(async () => {
    s = await inboundStack('box20');
    await addStaff(s.svc.store, {
      name: '窓口 花子',
      email: 'desk@madoguchi.localhost',
      zoomId: '12345678901',
      zoomPasscode: 'p',
    });
  });
  afterAll(() => s.stop());

  const cli = async (...args: string[]) => {
    const r = await runCli([...args, '--json'], s.env);
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out);
  };

  // Nine CLI processes one after another, each loading the whole service: 17-28 s in CI runs,
  // once over the default 30 s on this shared 2-core machine.
  it('a mail from a sender not on file is an open item; staff assign it, read it, and close it', {
    timeout: 90_000,
  }, async () => {
    const raw = mail({
      from: 'stranger@example.jp',
      subject: '求人について',
      text: 'オンライン相談は初めてです。',
    });
    await appendRaw('box20', 'INBOX', raw);
    expect(await waitHandled('box20', idOf(raw))).toBe('Processed');
    const open = await cli('triage', 'list', '--state', 'open');
    expect(open).toEqual([
      expect.objectContaining({ state: 'open', rule: 'triage', reason: 'no automatic action' }),
    ]);
    const id = open[0].id as string;

    const shown = await cli('triage', 'show', id);
    expect(shown.mails[0]).toMatchObject({ from: 'stranger@example.jp', subject: '求人について' });
    expect(shown.mails[0].text).toContain('オンライン相談は初めてです');

    await cli('triage', 'assign', id, '--to', 'desk@madoguchi.localhost', '--actor', 'staff:lead');
    expect(await cli('triage', 'list', '--mine', 'desk@madoguchi.localhost')).toEqual([
      expect.objectContaining({ id, state: 'assigned' }),
    ]);
    await cli('triage', 'done', id, '--note', '電話で回答済み', '--actor', 'staff:desk');
    expect(await cli('triage', 'list', '--state', 'done')).toEqual([
      expect.objectContaining({ id, state: 'done', note: '電話で回答済み' }),
    ]);
    expect(await cli('triage', 'list', '--state', 'open')).toEqual([]);

    const audit = (await s.store.auditEntries()).filter((e) => e.action?.startsWith('triage-'));
    expect(audit.map((e) => [e.action, e.mail, e.actor])).toEqual([
      ['triage-assign', id, 'staff:lead'],
      ['triage-done', id, 'staff:desk'],
    ]);
    expect(JSON.stringify(audit)).not.toContain('電話で回答済み'); // the note may name people: not in the audit
    const bad = await runCli(['triage', 'done', id, '--note', 'a\nb'], s.env);
    expect(bad.code).not.toBe(0);
    expect((await runCli(['triage', 'show', 'ffff'], s.env)).code).not.toBe(0);
  });
});

describe('triage in the console: hostile mail cannot run script or fetch anything (Chromium)', {
  timeout: 120_000,
}, () => {
  let s: InboundStack;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  beforeAll(async () => {
    s = await inboundStack('box21', undefined, { settings: { web: { insecureCookies: true } } });
    await staffWithPassword(
      s,
      { name: '窓口 花子', email: 'desk@madoguchi.localhost' },
      'correct horse battery',
    );
    app = await buildWeb(inboundDeps(s.ctx));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await s?.stop();
  });

  const HOSTILE = [
    '<script>alert(1)</script><p>キャンセル</p>',
    '<img src="http://tracker.example/p.png" onerror="alert(2)">',
    '<iframe src="http://evil.example/"></iframe><meta http-equiv="refresh" content="0;url=http://evil.example/">',
    '<a href="javascript:alert(3)">click</a><div style="background:url(http://evil.example/bg.png)">x</div>',
    '<svg onload="alert(4)"></svg><link rel="stylesheet" href="http://evil.example/s.css">',
  ];
  const htmlMail = (i: number, html: string) =>
    [
      'From: stranger@example.jp',
      'To: consult@madoguchi.localhost',
      `Subject: hostile ${i} <script>alert("s")</script>`,
      `Message-ID: <hostile-${i}@example.jp>`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=UTF-8',
      '',
      `<html><body>${html}</body></html>`,
      '',
    ].join('\r\n');

  it('a reply from the item page is sent once per click (a double submit sends one mail), threaded', async () => {
    const raw = mail({
      from: 'asker@example.jp',
      subject: '質問',
      text: '求人票の見方を教えてください。',
      dmarc: false,
    });
    await appendRaw('box21', 'INBOX', raw);
    expect(await waitHandled('box21', idOf(raw))).toBe('Processed');
    const deps = inboundDeps(s.ctx);
    let id = '';
    for (const x of await listTriage(deps))
      if ((await threadMails(deps, x))[0]!.from === 'asker@example.jp') id = x.id;
    await deps.svc.close();
    const c = await signedIn(app, 'desk@madoguchi.localhost', 'correct horse battery');
    const page = await c.get(`/triage/${id}`);
    const once = /name="once" value="([^"]+)"/.exec(page.body)![1]!;
    const text = '求人票の見方は、次回の相談でご説明します。\nよろしくお願いします。';
    for (let i = 0; i < 2; i++)
      expect((await c.post(`/triage/${id}/reply`, { body: text, once })).statusCode).toBe(303);
    const sent = await s.sink.waitFor((m) => m.to.includes('asker@example.jp'));
    await new Promise((r) => setTimeout(r, 1000));
    expect(s.sink.messages.filter((m) => m.to.includes('asker@example.jp'))).toHaveLength(1);
    const rawSent = sent.raw.toString();
    expect(rawSent).toContain(`In-Reply-To: ${idOf(raw)}`);
    expect(rawSent).not.toMatch(/^Auto-Submitted:/m); // a person wrote it (RFC 3834 §5)
    expect((await simpleParser(sent.raw)).text).toContain('求人票の見方は、次回の相談でご説明します。');
    const audit = (await s.store.auditEntries()).filter((e) => e.action === 'triage-reply');
    expect(audit).toHaveLength(2); // each click is recorded; the outbox sent one mail
    expect(JSON.stringify(audit)).not.toContain('求人票');

    // Linked to a booking: the item names it, and the seeker's page lists the item.
    const { booking } = await seekerWithBooking(
      s.svc,
      'asker@example.jp',
      `${openDay(s.ctx, 7).toISODate()}T10:00`,
    );
    expect((await c.post(`/triage/${id}/link`, { target: booking.id })).statusCode).toBe(303);
    expect((await c.get(`/triage/${id}`)).body).toContain(`href="/seekers/${booking.seekerId}"`);
    expect((await c.get(`/seekers/${booking.seekerId}`)).body).toContain(`href="/triage/${id}"`);
    expect((await c.post(`/triage/${id}/link`, { target: 'bk_none' })).statusCode).toBe(404);
  });

  it('every triaged hostile mail shows as text: no request leaves the page, no dialog opens', async () => {
    const raws = [
      ...HOSTILE.map((h, i) => htmlMail(i, h)),
      ...corpusMails()
        .filter((f) => f.startsWith('email-hostile/'))
        .map((f) => readFileSync(path.join(CORPUS, f)).toString('latin1')),
    ];
    for (const raw of raws) await appendRaw('box21', 'INBOX', Buffer.from(raw, 'latin1'));
    const ids: string[] = [];
    for (let i = 0; i < 100 && ids.length < HOSTILE.length; i++) {
      ids.splice(0, ids.length, ...(await listTriage(inboundDeps(s.ctx))).map((x) => x.id));
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(ids.length).toBeGreaterThanOrEqual(HOSTILE.length);

    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const external: string[] = [];
    const dialogs: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) external.push(r.url());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${base}/signin`);
    await signInPage(page, 'desk@madoguchi.localhost', 'correct horse battery');
    await page.goto(`${base}/triage`);
    for (const id of ids) {
      await page.goto(`${base}/triage/${id}`);
      await page.locator('#mail-body').waitFor();
      expect(await page.locator('script:not([src])').count()).toBe(0);
    }
    // The picture of a crafted one: some corpus mails make pages too long to photograph whole.
    await page.goto(`${base}/triage/${ids[0]}`);
    await page.screenshot({
      path: path.resolve(import.meta.dirname, '../../test-output/console/triage-item.png'),
      fullPage: true,
    });
    expect(external).toEqual([]);
    expect(dialogs).toEqual([]);
    await ctx.close();
  });
});
