import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEV_PASSWORD } from '../../src/devstack/dovecot.js';
import type { SmtpSink } from '../../src/devstack/smtp-sink.js';
import { appendRaw, listMailbox } from '../helpers/imap.js';
import { startSink } from '../helpers/stack.js';

describe('test bed on real servers', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(() => sink.stop());

  it('the private Redis answers and is not the machine-wide one', async () => {
    const url = inject('redisUrl');
    expect(url).not.toMatch(/:6379$/);
    const r = new Redis(url);
    expect(await r.ping()).toBe('PONG');
    expect(await r.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    r.disconnect();
  });

  it('a message appended over IMAP is read back with imapflow, Japanese intact', async () => {
    const raw = Buffer.from(
      'From: seeker1@example.jp\r\nTo: consult@madoguchi.localhost\r\nSubject: =?UTF-8?B?5bGl5q205pu444Gu6YCB5LuY?=\r\n' +
        'Message-ID: <servers-test-1@example.jp>\r\n\r\nbody\r\n',
    );
    const uid = await appendRaw('box0', 'INBOX', raw);
    expect(uid).toBeGreaterThan(0);
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: inject('dovecotPort'),
      secure: false,
      auth: { user: 'box0', pass: DEV_PASSWORD },
      logger: false,
    });
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    const msg = await c.fetchOne(String(uid), { source: true, envelope: true }, { uid: true });
    lock.release();
    await c.logout();
    if (!msg) throw new Error('FETCH found nothing');
    expect(msg.envelope?.subject).toBe('履歴書の送付');
    expect(msg.source?.equals(raw)).toBe(true);
    const listed = await listMailbox('box0');
    expect(listed.map((l) => l.messageId)).toContain('<servers-test-1@example.jp>');
    const boxes = await (async () => {
      const c2 = new ImapFlow({
        host: '127.0.0.1',
        port: inject('dovecotPort'),
        secure: false,
        auth: { user: 'box0', pass: DEV_PASSWORD },
        logger: false,
      });
      await c2.connect();
      const l = await c2.list();
      await c2.logout();
      return l.map((b) => b.path);
    })();
    expect(boxes).toEqual(expect.arrayContaining(['INBOX', 'Processed', 'Quarantine']));
  });

  it('nodemailer delivers to the in-process SMTP sink, which records the raw message', async () => {
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      ignoreTLS: true,
    });
    await t.sendMail({
      from: 'consult@madoguchi.localhost',
      to: 'staff1@madoguchi.localhost',
      subject: 'テスト',
      text: 'こんにちは',
      messageId: '<sink-1@madoguchi.localhost>',
    });
    const got = await sink.waitFor((m) => m.raw.includes('<sink-1@madoguchi.localhost>'));
    expect(got.to).toEqual(['staff1@madoguchi.localhost']);
    t.close();
  });

  it('the sink can answer like a real server on a bad day', async () => {
    sink.responder = () => ({ code: 550, message: 'mailbox unavailable' });
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      ignoreTLS: true,
    });
    await expect(t.sendMail({ from: 'a@b.jp', to: 'c@d.jp', text: 'x' })).rejects.toMatchObject({
      responseCode: 550,
    });
    sink.responder = undefined;
    t.close();
  });
});
