import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/devstack/ports.js';
import { type DnsResolver, startSmtpIngress } from '../../src/inbound/smtp-ingress.js';
import type { Handle } from '../../src/runtime/processes.js';
import { type InboundStack, inboundStack, openDay, seekerWithBooking } from '../helpers/inbound.js';

// DNS as the ingress sees it: example.jp lets 127.0.0.1 send (SPF, so DMARC aligns and passes);
// forged.example only lets 192.0.2.1 send, so mail from here claiming to be it fails DMARC.
const RECORDS: Record<string, string[][]> = {
  'example.jp:TXT': [['v=spf1 ip4:127.0.0.1 -all']],
  '_dmarc.example.jp:TXT': [['v=DMARC1; p=reject']],
  'forged.example:TXT': [['v=spf1 ip4:192.0.2.1 -all']],
  '_dmarc.forged.example:TXT': [['v=DMARC1; p=reject']],
};
const resolver: DnsResolver = async (name, rr) => {
  const v = RECORDS[`${name.toLowerCase()}:${rr}`];
  if (v) return v;
  throw Object.assign(new Error(`no ${rr} for ${name}`), { code: 'ENODATA' });
};

describe('SMTP ingress: the same pipeline, with SPF/DKIM/DMARC checked by mailauth on the session', () => {
  let s: InboundStack;
  let ingress: Handle;
  let port: number;
  const send = (from: string, subject: string, text: string, headers: Record<string, string> = {}) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port, ignoreTLS: true, name: 'client.example.jp' })
      .sendMail({ from, to: 'consult@madoguchi.localhost', subject, text, headers });
  const waitStatus = async (id: string, status: string) => {
    for (let i = 0; i < 100; i++) {
      if ((await s.svc.store.getBooking(id))?.status === status) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`booking ${id} never became ${status}`);
  };

  beforeAll(async () => {
    port = await freePort();
    s = await inboundStack('box11', ['outbox', 'inbound'], {
      settings: { ingress: { smtp: { enabled: true, host: '127.0.0.1', port, authservId: 'ingress.test' } } },
    });
    ingress = await startSmtpIngress(s.ctx, resolver);
  });
  afterAll(async () => {
    await ingress.close();
    await s.stop();
  });

  it('C1 by SMTP: DMARC passes on the real session (SPF-aligned) → cancelled, one reply', async () => {
    const { booking } = await seekerWithBooking(
      s.svc,
      'smtp-c1@example.jp',
      `${openDay(s.ctx, 7).toISODate()}T13:00`,
    );
    await send('smtp-c1@example.jp', 'キャンセル', '予約をキャンセルします。');
    await waitStatus(booking.id, 'cancelled');
    await s.sink.waitFor((m) => m.to.includes('smtp-c1@example.jp') && m.raw.includes('auto-replied'));
    const audit = await s.store.auditEntries();
    expect(audit.some((e) => e.rule === 'C1' && e.booking === booking.id)).toBe(true);
  });

  it('a forged sender fails DMARC, even with a forged Authentication-Results of our own id', async () => {
    const { booking } = await seekerWithBooking(
      s.svc,
      'victim@forged.example',
      `${openDay(s.ctx, 7).toISODate()}T13:30`,
    );
    const before = (await s.store.auditEntries()).length;
    await send('victim@forged.example', 'キャンセル', '予約をキャンセルします。', {
      'Authentication-Results': 'ingress.test; dmarc=pass header.from=forged.example',
    });
    for (let i = 0; i < 100 && (await s.store.auditEntries()).length === before; i++)
      await new Promise((r) => setTimeout(r, 100));
    const last = (await s.store.auditEntries()).at(-1)!;
    expect(last).toMatchObject({ rule: 'C1', action: 'staff-triage', reason: 'sender not verified (DMARC)' });
    expect((await s.svc.store.getBooking(booking.id))?.status).toBe('booked');
    expect(
      s.sink.messages.filter((m) => m.to.includes('victim@forged.example') && m.raw.includes('auto-replied')),
    ).toHaveLength(0);
  });

  it('the same message delivered twice (an MTA retry) is handled once', async () => {
    const raw = [
      'From: twice@example.jp',
      'To: consult@madoguchi.localhost',
      'Subject: =?UTF-8?B?5LqI57SE44Gu5aSJ5pu0?=',
      'Message-ID: <retry-1@example.jp>',
      'Date: Thu, 26 Nov 2026 10:00:00 +0900',
      '',
      'nichiji wo henkou shitai (予約)',
      '',
    ].join('\r\n');
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      ignoreTLS: true,
      name: 'client.example.jp',
    });
    for (let i = 0; i < 2; i++)
      await t.sendMail({ envelope: { from: 'twice@example.jp', to: ['consult@madoguchi.localhost'] }, raw });
    for (let i = 0; i < 100 && !s.sink.messages.some((m) => m.to.includes('twice@example.jp')); i++)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    expect(s.sink.messages.filter((m) => m.to.includes('twice@example.jp'))).toHaveLength(1);
  });
});
