import type { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reschedule } from '../../src/bookings/service.js';
import { checkWatcher } from '../../src/inbound/alerts.js';
import { inboundDeps } from '../../src/inbound/deps.js';
import { appendRaw } from '../helpers/imap.js';
import {
  type InboundStack,
  inboundStack,
  openDay,
  seekerWithBooking,
  waitHandled,
} from '../helpers/inbound.js';
import { dsnMail, idOf, mail } from '../helpers/mail.js';

// Mail arrives "at" a JST instant: Dovecot keeps the INTERNALDATE we give to APPEND when it is
// not in the future, so the day-boundary tests use a recent past office day D.
const at = (dt: DateTime) => dt.toJSDate();
const slot = (d: DateTime, hhmm: string) => `${d.toISODate()}T${hhmm}`;
const sent = (s: InboundStack, to: string) => s.sink.messages.filter((m) => m.to.includes(to));
const settle = () => new Promise((r) => setTimeout(r, 800));

describe('inbound: each intent on a real Dovecot, Redis and SMTP sink', () => {
  let s: InboundStack;
  let past: DateTime; // D: a recent office day, entirely in the past
  let future: DateTime;
  beforeAll(async () => {
    s = await inboundStack('box1');
    past = openDay(s.ctx, -2);
    future = openDay(s.ctx, 7);
  });
  afterAll(() => s.stop());

  it('C1: a verified seeker cancels by mail the day before → cancelled, CANCEL to both, one reply', async () => {
    const { booking, staffEmail } = await seekerWithBooking(s.svc, 'c1@example.jp', slot(past, '10:00'));
    const raw = mail({
      from: 'c1@example.jp',
      subject: '予約のキャンセル',
      text: '明日の相談をキャンセルします。',
    });
    // 23:59:59 JST on the 15th: still the day before (the JST midnight boundary, C1/C2).
    await appendRaw('box1', 'INBOX', raw, at(past.minus({ seconds: 1 })));
    expect(await waitHandled('box1', idOf(raw))).toBe('Processed');
    expect((await s.svc.store.getBooking(booking.id))?.status).toBe('cancelled');
    expect((await s.svc.store.getBooking(booking.id))?.cancel?.channel).toBe('email');
    await s.sink.waitFor((m) => m.to.includes('c1@example.jp') && m.raw.includes('method=CANCEL'));
    await s.sink.waitFor((m) => m.to.includes(staffEmail) && m.raw.includes('method=CANCEL'));
    const reply = await s.sink.waitFor(
      (m) => m.to.includes('c1@example.jp') && m.raw.includes('auto-replied'),
    );
    expect(reply.raw.toString()).toContain(`In-Reply-To: ${idOf(raw)}`);
    await settle();
    expect(sent(s, 'c1@example.jp').filter((m) => m.raw.includes('auto-replied'))).toHaveLength(1);
    const audit = await s.store.auditEntries();
    expect(audit.some((e) => e.rule === 'C1' && e.action === 'cancel' && e.booking === booking.id)).toBe(
      true,
    );
    expect(JSON.stringify(audit)).not.toContain('c1@example.jp'); // P4: no personal data in clear
  });

  it('C2: the same mail at 00:00 JST on the day → not cancelled, one reply to phone, staff alerted', async () => {
    const { booking, staffEmail } = await seekerWithBooking(s.svc, 'c2@example.jp', slot(past, '11:00'));
    const raw = mail({
      from: 'c2@example.jp',
      subject: 'キャンセル',
      text: '本日の相談を取り消したいです。',
    });
    await appendRaw('box1', 'INBOX', raw, at(past)); // 00:00:00 JST on the day
    expect(await waitHandled('box1', idOf(raw))).toBe('Processed');
    expect((await s.svc.store.getBooking(booking.id))?.status).toBe('booked');
    const reply = await s.sink.waitFor(
      (m) => m.to.includes('c2@example.jp') && m.raw.includes('auto-replied'),
    );
    expect(reply.raw.toString()).toMatch(/Subject: =\?UTF-8\?/);
    await s.sink.waitFor((m) => m.to.includes(staffEmail) && !m.raw.includes('text/calendar'));
    await settle();
    expect(sent(s, 'c2@example.jp').filter((m) => m.raw.includes('method=CANCEL'))).toHaveLength(0);
  });

  it('C1 with a question: cancelled all the same, and the mail goes to staff triage so the question is answered', async () => {
    const { booking } = await seekerWithBooking(s.svc, 'c1q@example.jp', slot(future, '10:00'));
    const before = await s.store.triageCount();
    const raw = mail({
      from: 'c1q@example.jp',
      subject: '予約のキャンセル',
      text: '相談をキャンセルします。次の予約はどうすればいいですか。',
    });
    await appendRaw('box1', 'INBOX', raw);
    expect(await waitHandled('box1', idOf(raw))).toBe('Processed');
    expect((await s.svc.store.getBooking(booking.id))?.status).toBe('cancelled');
    expect(await s.store.triageCount()).toBe(before + 1);
    expect((await s.store.auditEntries()).at(-1)).toMatchObject({
      rule: 'C1',
      action: 'cancel',
      reason: 'cancelled by mail before the day; the mail also: a question',
    });
  });

  it('C1: an unverified sender (no DMARC pass) never triggers a cancellation or a reply', async () => {
    const { booking } = await seekerWithBooking(s.svc, 'forged@example.jp', slot(future, '10:00'));
    const raw = mail({
      from: 'forged@example.jp',
      subject: 'キャンセル',
      text: 'キャンセルします',
      dmarc: false,
    });
    await appendRaw('box1', 'INBOX', raw);
    expect(await waitHandled('box1', idOf(raw))).toBe('Processed');
    await settle();
    expect((await s.svc.store.getBooking(booking.id))?.status).toBe('booked');
    expect(sent(s, 'forged@example.jp').filter((m) => m.raw.includes('auto-replied'))).toHaveLength(0);
    expect(await s.store.triageCount()).toBeGreaterThan(0);
  });

  it('calendar REPLY with PARTSTAT=DECLINED cancels like a mail (C1); ACCEPTED is recorded; a DECLINED of the time before a reschedule, or of another event in the same part, goes to staff', async () => {
    const { booking } = await seekerWithBooking(s.svc, 'ics@example.jp', slot(future, '10:30'));
    const reply = (partstat: string, sequence = '') =>
      mail({
        from: 'ics@example.jp',
        subject: partstat === 'DECLINED' ? 'Declined: オンライン相談' : 'Accepted: オンライン相談',
        part: [
          'text/calendar; charset=utf-8; method=REPLY',
          `BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:${booking.uid}\r\nATTENDEE;PARTSTAT=${partstat}:mailto:ics@example.jp\r\n${sequence}END:VEVENT\r\nEND:VCALENDAR\r\n`,
        ],
      });
    const acc = reply('ACCEPTED');
    await appendRaw('box1', 'INBOX', acc);
    await waitHandled('box1', idOf(acc));
    expect((await s.svc.store.getBooking(booking.id))?.status).toBe('booked');
    // An acceptance carrying a résumé (Outlook's "Edit the response before sending"): the file is
    // not lost under the answer; staff get the mail.
    const before = await s.store.triageCount();
    const withFile = mail({
      from: 'ics@example.jp',
      subject: 'Accepted: オンライン相談',
      text: '参加します。履歴書を添付します。',
      part: [
        'text/calendar; charset=utf-8; method=REPLY',
        `BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:${booking.uid}\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:ics@example.jp\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`,
      ],
      files: [{ name: '履歴書.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.4\n%%EOF\n') }],
    });
    await appendRaw('box1', 'INBOX', withFile);
    await waitHandled('box1', idOf(withFile));
    expect(await s.store.triageCount()).toBe(before + 1);
    expect((await s.svc.store.getBooking(booking.id))?.status).toBe('booked');
    // Moved to 11:30 (SEQUENCE 1); the seeker's calendar then declines the 10:30 invitation.
    await reschedule(s.svc, booking.id, slot(future, '11:30'), 'test');
    const triaged = await s.store.triageCount();
    const stale = reply('DECLINED', 'SEQUENCE:0\r\n');
    await appendRaw('box1', 'INBOX', stale);
    await waitHandled('box1', idOf(stale));
    expect((await s.svc.store.getBooking(booking.id))?.status).toBe('booked');
    expect(await s.store.triageCount()).toBe(triaged + 1);
    // One part holding our invitation (this booking's UID, SEQUENCE 1) and then a DECLINED of
    // another event: each value is read from the reply's own event, so this one names no booking.
    const mixed = mail({
      from: 'ics@example.jp',
      subject: 'Declined: 別の会議',
      part: [
        'text/calendar; charset=utf-8; method=REPLY',
        `BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:${booking.uid}\r\nSEQUENCE:1\r\nATTENDEE;RSVP=TRUE:mailto:ics@example.jp\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n` +
          'BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:other-meeting@example.jp\r\nATTENDEE;PARTSTAT=DECLINED:mailto:ics@example.jp\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
      ],
    });
    await appendRaw('box1', 'INBOX', mixed);
    await waitHandled('box1', idOf(mixed));
    expect((await s.svc.store.getBooking(booking.id))?.status).toBe('booked');
    expect(await s.store.triageCount()).toBe(triaged + 2);
    const dec = reply('DECLINED', 'SEQUENCE:1\r\n');
    await appendRaw('box1', 'INBOX', dec);
    await waitHandled('box1', idOf(dec));
    expect((await s.svc.store.getBooking(booking.id))?.status).toBe('cancelled');
    const audit = await s.store.auditEntries();
    expect(audit.some((e) => e.action === 'record-partstat' && e.reason === 'ACCEPTED')).toBe(true);
  });

  it('B8: a booking or change request by mail is not acted on: one reply to phone, staff triage', async () => {
    const { booking } = await seekerWithBooking(s.svc, 'b8@example.jp', slot(future, '11:00'));
    const raw = mail({ from: 'b8@example.jp', subject: '日程の変更', text: '予約を来週に変更できますか。' });
    await appendRaw('box1', 'INBOX', raw);
    expect(await waitHandled('box1', idOf(raw))).toBe('Processed');
    const reply = await s.sink.waitFor(
      (m) => m.to.includes('b8@example.jp') && m.raw.includes('auto-replied'),
    );
    expect(reply.raw.toString('utf8')).toMatch(/^Subject: /m);
    const text = (await simpleParser(reply.raw)).text ?? '';
    expect(text).toContain(s.ctx.config.office.phone);
    expect(await s.svc.store.getBooking(booking.id)).toMatchObject({ status: 'booked', sequence: 0 });
    expect((await s.store.auditEntries()).at(-1)).toMatchObject({ rule: 'B8', action: 'staff-triage' });
  });

  it('B12: an out-of-scope request gets the referral reply (English when written in English)', async () => {
    const raw = mail({
      from: 'grad@example.com',
      subject: 'Consultation',
      text: 'I am a new graduate looking for work.',
    });
    await appendRaw('box1', 'INBOX', raw);
    await waitHandled('box1', idOf(raw));
    const r = await s.sink.waitFor((m) => m.to.includes('grad@example.com'));
    expect(r.raw.toString()).toContain('Subject: About the scope of online job consultations');
  });

  it('loop guards: auto-replies, lists and our own mail are never answered; a thread gets one reply', async () => {
    const auto = mail({
      from: 'bot@example.jp',
      subject: '予約について',
      text: '自動応答です',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const list = mail({
      from: 'news@example.jp',
      subject: '予約受付',
      text: 'お知らせ',
      headers: { 'List-Id': '<n.example.jp>' },
    });
    const own = mail({
      from: 'consult@madoguchi.localhost',
      subject: '予約',
      text: 'x',
      headers: { 'X-Madoguchi-Loop': 'reply-x' },
    });
    // A responder that does not mark itself: it answers our reply, we answer it... at most once.
    const first = mail({ from: 'pingpong@example.jp', subject: '予約の変更', text: '日程を変更したい' });
    const again = (n: number) =>
      mail({
        from: 'pingpong@example.jp',
        subject: `Re: 予約の変更 (${n})`,
        text: '日程を変更したい',
        headers: { 'In-Reply-To': idOf(first), References: idOf(first) },
      });
    for (const raw of [auto, list, own, first, again(1), again(2), again(3)]) {
      await appendRaw('box1', 'INBOX', raw);
      await waitHandled('box1', idOf(raw));
    }
    await settle();
    expect(sent(s, 'bot@example.jp')).toHaveLength(0);
    expect(sent(s, 'news@example.jp')).toHaveLength(0);
    expect(sent(s, 'consult@madoguchi.localhost')).toHaveLength(0);
    expect(sent(s, 'pingpong@example.jp')).toHaveLength(1);
  });

  it('a DSN for one of our invitations marks that send failed and flags the address', async () => {
    const ours = '<bk_x.0.seeker@madoguchi.localhost>';
    const dsn = dsnMail(
      [['Final-Recipient: rfc822; gone@example.jp', 'Action: failed', 'Status: 5.1.1']],
      ours,
    );
    await appendRaw('box1', 'INBOX', dsn);
    await waitHandled('box1', idOf(dsn));
    expect(await s.store.redis.exists(s.store.k('bounced', ours))).toBe(1);
    expect(await s.store.redis.scard(s.store.k('flagged'))).toBe(1);
    await settle();
    expect(sent(s, 'MAILER-DAEMON@mx.example.jp'.toLowerCase())).toHaveLength(0);
  });
});

describe('operations alerts', () => {
  let s: InboundStack;
  beforeAll(async () => {
    s = await inboundStack('box10', ['outbox']); // no watcher running
  });
  afterAll(() => s.stop());

  it('watcher down: one alert to the operations address per outage, none while it sweeps', async () => {
    const deps = inboundDeps(s.ctx);
    try {
      expect(await checkWatcher(deps)).toBe(true); // never ran here: nothing to say
      await s.store.heartbeat();
      expect(await checkWatcher(deps)).toBe(true);
      const later = Date.now() + (s.ctx.config.inbound.watcherDownAlertSeconds + 5) * 1000;
      expect(await checkWatcher(deps, later)).toBe(false);
      expect(await checkWatcher(deps, later + 5000)).toBe(false);
      const alert = await s.sink.waitFor((m) => m.to.includes('ops@madoguchi.localhost'));
      expect(alert.raw.toString()).toContain('Auto-Submitted: auto-generated');
      await settle();
      expect(sent(s, 'ops@madoguchi.localhost')).toHaveLength(1);
    } finally {
      await deps.svc.close();
    }
  });
});
