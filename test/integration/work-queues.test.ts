import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff } from '../../src/bookings/staff.js';
import { inboundDeps } from '../../src/inbound/deps.js';
import { threadMails, triageFile } from '../../src/triage/mail.js';
import {
  doneTriage,
  listTriage,
  migrateTriage,
  openTriage,
  takeTriage,
  triageItem,
} from '../../src/triage/queue.js';
import { replyTriage } from '../../src/triage/reply.js';
import { appendRaw } from '../helpers/imap.js';
import { type InboundStack, inboundStack, waitHandled } from '../helpers/inbound.js';
import { idOf, mail } from '../helpers/mail.js';
import { japanesePdf } from '../helpers/pdf.js';
import { runCli } from '../helpers/processes.js';

// Issue #11: the triage queue as a helpdesk on the real stack (Dovecot, Redis, the SMTP sink):
// threads, the race for an item, replies, files with their verdicts, migration, and CLI output
// that no mail can use to drive a terminal.

const PDF = japanesePdf('履歴書 01020-11112222');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('work queues: triage threads, races, replies and files (real stack)', { timeout: 120_000 }, () => {
  let s: InboundStack;
  let desk = '';
  let lead = '';
  beforeAll(async () => {
    s = await inboundStack('box22');
    const add = (name: string, email: string) =>
      addStaff(s.svc.store, { name, email, zoomId: '12345678901', zoomPasscode: 'p' });
    desk = (await add('窓口 花子', 'desk@madoguchi.localhost')).id;
    lead = (await add('統括 一郎', 'lead@madoguchi.localhost')).id;
  });
  afterAll(() => s.stop());
  const deps = () => inboundDeps(s.ctx);
  const itemOf = async (from: string) => {
    const d = deps();
    for (const x of await listTriage(d)) if ((await threadMails(d, x))[0]!.from === from) return x;
    throw new Error(`no item from ${from}`);
  };

  it('item → take (two at once: one wins) → reply (threaded, once) → done; a new mail in the thread re-opens it', async () => {
    const first = mail({
      from: 'newcomer@example.jp',
      subject: '相談の申し込み方法',
      text: '初めて利用します。どうすればよいですか。',
    });
    await appendRaw('box22', 'INBOX', first);
    expect(await waitHandled('box22', idOf(first))).toBe('Processed');
    const item = await itemOf('newcomer@example.jp');
    expect(item.state).toBe('open');
    expect((await openTriage(deps())).count).toBeGreaterThanOrEqual(1);

    // Two staff take it at the same moment: exactly one has it, the other is told.
    const race = await Promise.allSettled([
      takeTriage(deps(), item.id, desk, `staff:${desk}`),
      takeTriage(deps(), item.id, lead, `staff:${lead}`),
    ]);
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = race.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason.code).toBe('TRIAGE_TAKEN');
    const holder = (await triageItem(deps(), item.id)).assignee;
    expect([desk, lead]).toContain(holder);

    // A reply, submitted twice with the page's token: one mail, threaded, from the office.
    for (let i = 0; i < 2; i++)
      await replyTriage(deps(), item.id, 'オンライン相談は電話でご予約ください。', 'token-12345', 'staff:x');
    const sent = await s.sink.waitFor((m) => m.to.includes('newcomer@example.jp'));
    await new Promise((r) => setTimeout(r, 800));
    expect(s.sink.messages.filter((m) => m.to.includes('newcomer@example.jp'))).toHaveLength(1);
    const rawSent = sent.raw.toString();
    expect(rawSent).toContain(`In-Reply-To: ${idOf(first)}`);
    expect(rawSent).toMatch(/^References: .*<.+>/m);
    expect(rawSent).toMatch(/^X-Madoguchi-Loop: /m); // our loop header, as on all we send
    expect(rawSent).not.toMatch(/^Auto-Submitted:/m); // a person wrote it (RFC 3834 §5)

    await doneTriage(deps(), item.id, '', 'staff:x');
    expect((await triageItem(deps(), item.id)).state).toBe('done');
    const before = (await listTriage(deps())).length;

    // The seeker answers our reply: the mail joins the item, which goes back to whoever had it.
    const ourId = /^Message-ID: (.+)$/m.exec(rawSent)![1]!.trim();
    const answer = mail({
      from: 'newcomer@example.jp',
      subject: 'Re: 相談の申し込み方法',
      text: 'ありがとうございます。電話します。',
      headers: { 'In-Reply-To': ourId, References: `${idOf(first)} ${ourId}` },
    });
    await appendRaw('box22', 'INBOX', answer);
    expect(await waitHandled('box22', idOf(answer))).toBe('Processed');
    const reopened = await triageItem(deps(), item.id);
    expect(reopened).toMatchObject({ state: 'assigned', assignee: holder });
    expect(reopened.later).toHaveLength(1);
    expect(await listTriage(deps())).toHaveLength(before); // no second item for the same thread
    const mails = await threadMails(deps(), reopened);
    expect(mails.map((m) => m.own.trim())).toEqual([
      '初めて利用します。どうすればよいですか。',
      'ありがとうございます。電話します。',
    ]);
    const audit = (await s.store.auditEntries()).filter((e) => e.mail === item.id);
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['triage-take', 'triage-reply', 'triage-done', 'triage-reopen']),
    );
    // A second take fails while it is assigned.
    await expect(takeTriage(deps(), item.id, desk, 'staff:x')).rejects.toMatchObject({
      code: 'TRIAGE_TAKEN',
    });
  });

  it("files of a triaged mail: listed with the checks' verdict; a passed one is served byte-equal and audited, a refused one never", async () => {
    const raw = mail({
      from: 'unknown-sender@example.jp',
      subject: '書類を送ります',
      text: '履歴書を添付します。',
      files: [
        { name: '履歴書.pdf', type: 'application/pdf', data: PDF },
        {
          name: 'setup.exe',
          type: 'application/octet-stream',
          data: Buffer.from('MZ\x90\x00 not a document'),
        },
      ],
    });
    await appendRaw('box22', 'INBOX', raw);
    expect(await waitHandled('box22', idOf(raw))).toBe('Processed');
    const item = await itemOf('unknown-sender@example.jp');
    const [m] = await threadMails(deps(), item);
    expect(m!.files.map((f) => [f.filename, f.kind, f.refused ?? 'ok'])).toEqual([
      ['履歴書.pdf', 'pdf', 'ok'],
      ['setup.exe', 'exe', 'type-not-allowed'],
    ]);
    expect(m!.files[1]!.refusedText).toContain('受け付けていない種類');
    const f = await triageFile(deps(), item, m!.id, 0, 'staff:x');
    expect(sha(f.data)).toBe(sha(PDF));
    expect(f.contentType).toBe('application/pdf');
    await expect(triageFile(deps(), item, m!.id, 1, 'staff:x')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const reads = (await s.store.auditEntries()).filter((e) => e.action === 'triage-file-read');
    expect(reads).toEqual([expect.objectContaining({ mail: item.id, actor: 'staff:x', reason: 'file 0' })]);
  });

  it('a reply to an address a DSN flagged needs confirmation; confirmed, it is sent', async () => {
    const raw = mail({ from: 'bounced@example.jp', subject: '質問', text: '求人について質問です。' });
    await appendRaw('box22', 'INBOX', raw);
    expect(await waitHandled('box22', idOf(raw))).toBe('Processed');
    const item = await itemOf('bounced@example.jp');
    await s.store.flag('Bounced@Example.jp');
    expect((await threadMails(deps(), item))[0]!.flagged).toBe(true);
    await expect(replyTriage(deps(), item.id, '回答です。', 'token-flag-1', 'staff:x')).rejects.toMatchObject(
      {
        code: 'ADDRESS_FLAGGED',
      },
    );
    await replyTriage(deps(), item.id, '回答です。', 'token-flag-1', 'staff:x', { confirmFlagged: true });
    await s.sink.waitFor((m) => m.to.includes('bounced@example.jp'));
  });

  it('migration: mail triaged before items existed (only the sorted set) is open after first start', async () => {
    const r = s.ctx.redis;
    const k = (...p: string[]) => s.store.k(...p);
    const old = ['a', 'b', 'c'].map((c) => c.repeat(64));
    for (const [i, h] of old.entries()) {
      await r.zadd(k('triage'), Date.now() - (i + 1) * 86_400_000, h);
      await r.set(k('plan', h), JSON.stringify({ hash: h, rule: 'triage', reason: 'no automatic action' }));
    }
    await r.hset(k('triage-item', old[2]!), { state: 'done' });
    await r.zrem(k('triage-open'), ...old);
    await r.del(k('triage-migrated'));
    const count = (await openTriage(deps())).count;
    expect(await migrateTriage(deps())).toBeGreaterThanOrEqual(2);
    const after = await openTriage(deps());
    expect(after.count).toBe(count + 2);
    expect(Date.parse(after.oldest!)).toBeLessThanOrEqual(Date.now() - 2 * 86_400_000 + 1000);
    expect(await migrateTriage(deps())).toBe(0); // once
    const ids = (await listTriage(deps())).map((x) => x.hash);
    for (const h of old) expect(ids).toContain(h); // nothing triaged is lost
  });

  it('terminal controls in subjects, names and file names never reach the terminal from any command', async () => {
    const ESC = '\u001b';
    const evil = `${ESC}]0;owned${ESC}\\${ESC}[2J\u009b31m\u202etxt.exe\r`;
    const raw = mail({
      from: 'escape@example.jp',
      subject: `件名${evil}`,
      text: `本文${evil}`,
      files: [{ name: `name${evil}.pdf`, type: 'application/pdf', data: PDF }],
    });
    await appendRaw('box22', 'INBOX', raw);
    expect(await waitHandled('box22', idOf(raw))).toBe('Processed');
    const item = await itemOf('escape@example.jp');
    // And the same mail's record in quarantine, with a hostile reason too.
    await s.ctx.redis.hset(s.store.k('q', item.hash), {
      reason: `r${evil}`,
      rule: 'parse',
      at: new Date().toISOString(),
    });
    await s.ctx.redis.zadd(s.store.k('quarantine'), Date.now(), item.hash);
    const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    for (const args of [
      ['triage', 'list'],
      ['triage', 'show', item.id],
      ['quarantine', 'list'],
      ['quarantine', 'show', item.id],
      ['documents', '--staff', 'desk@madoguchi.localhost', '--all'],
      ['ops', 'status'],
    ]) {
      for (const json of [false, true]) {
        const r = await runCli(json ? [...args, '--json'] : args, s.env);
        expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(args[0] === 'ops' ? 1 : 0); // ops: quarantine waits
        expect(UNSAFE.test(r.out), args.join(' ')).toBe(false);
        expect(UNSAFE.test(r.err), args.join(' ')).toBe(false);
        if (json) JSON.parse(r.out); // still JSON, the characters escaped
      }
    }
    const shown = JSON.parse((await runCli(['triage', 'show', item.id, '--json'], s.env)).out);
    expect(shown.mails[0].subject).toContain('\u202e'); // the value is intact for a program reading JSON
    // The operations view from the CLI says what is wrong (exit 1) and lists every queue.
    const ops = await runCli(['ops', 'status', '--json'], s.env);
    expect(ops.code).toBe(1);
    const status = JSON.parse(ops.out);
    expect(status.problems).toContain('quarantine_waiting');
    expect(status.queues.map((q: { name: string }) => q.name)).toEqual(['inbound', 'outbox', 'schedule']);
    expect((await runCli(['jobs', 'retry', 'inbound', 'no-such-job'], s.env)).code).not.toBe(0);
    expect((await runCli(['jobs', 'retry', 'elsewhere', 'x'], s.env)).code).not.toBe(0);
    await s.ctx.redis.zrem(s.store.k('quarantine'), item.hash);
  });
});
