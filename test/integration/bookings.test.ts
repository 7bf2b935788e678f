import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BookingServices, bookingServices } from '../../src/bookings/deps.js';
import { notifyBooking } from '../../src/bookings/notify.js';
import { attend, book, cancel, reschedule } from '../../src/bookings/service.js';
import { addStaff } from '../../src/bookings/staff.js';
import type { SinkMessage, SmtpSink } from '../../src/devstack/smtp-sink.js';
import { ZONE } from '../../src/domain/time.js';
import { startOutbox } from '../../src/outbox/worker.js';
import { type Context, createContext } from '../../src/runtime/context.js';
import type { Handle } from '../../src/runtime/processes.js';
import { startScheduler } from '../../src/scheduler/worker.js';
import { inspectInvite, libicalCheck, lintIcs } from '../helpers/ics-lint.js';
import { startSink, testConfig, testEnv } from '../helpers/stack.js';

// "Now" for the rules: Thursday 26 Nov 2026, 13:00 JST, whatever the machine's clock and TZ.
let now = DateTime.fromISO('2026-11-26T13:00', { zone: ZONE });
const clock = { now: () => now };

const seeker = (n: number, extra: Partial<Parameters<typeof book>[1]> = {}) => ({
  seekerNumber: `01020-${String(10000000 + n)}`,
  name: `山田 太郎${n}`,
  birthdate: '1990-04-01',
  email: `seeker${n}@example.jp`,
  phone: '090-1234-5678',
  at: '2026-12-01T10:00',
  topic: '履歴書の添削',
  actor: 'test',
  ...extra,
});

const code = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code: string }) => e.code,
  );

describe('bookings and invitations on real Redis and SMTP', () => {
  let sink: SmtpSink;
  let ctx: Context;
  let svc: BookingServices;
  let outbox: Handle;
  const invitesFor = (to: string) =>
    sink.messages.filter((m) => m.to.includes(to) && m.raw.includes('text/calendar'));
  const waitInvites = async (to: string, n: number) => {
    for (let i = 0; i < 200 && invitesFor(to).length < n; i++) await new Promise((r) => setTimeout(r, 50));
    return invitesFor(to);
  };
  const allInvites: SinkMessage[] = [];

  beforeAll(async () => {
    sink = await startSink();
    sink.on('message', (m: SinkMessage) => m.raw.includes('text/calendar') && allInvites.push(m));
    ctx = createContext(testConfig(testEnv({ smtpUrl: sink.url })));
    svc = bookingServices(ctx, clock);
    outbox = await startOutbox(ctx);
    await addStaff(svc.store, {
      name: '佐藤 花子',
      email: 'staff1@madoguchi.localhost',
      zoomId: '123 4567 8901',
      zoomPasscode: 'a1;b2,c3',
    });
  });
  afterAll(async () => {
    await outbox.close();
    await svc.close();
    await ctx.close();
    await sink.stop();
  });

  it('B2/B3/B4: refuses 12:00, 16:00, a holiday, 12/29 and same-day; accepts 15:30 and Friday for Monday', async () => {
    expect(await code(book(svc, seeker(1, { at: '2026-12-01T12:00' })))).toBe('SLOT_INVALID');
    expect(await code(book(svc, seeker(1, { at: '2026-12-01T16:00' })))).toBe('SLOT_INVALID');
    expect(await code(book(svc, seeker(1, { at: '2026-11-23T10:00' })))).toBe('DAY_CLOSED');
    expect(await code(book(svc, seeker(1, { at: '2026-12-29T10:00' })))).toBe('DAY_CLOSED');
    expect(await code(book(svc, seeker(1, { at: '2026-11-26T15:30' })))).toBe('LEAD_TIME'); // today
    now = DateTime.fromISO('2026-12-04T15:00', { zone: ZONE }); // a Friday
    const monday = await book(svc, seeker(2, { at: '2026-12-07T15:30' }));
    expect(monday.booking.status).toBe('booked');
    now = DateTime.fromISO('2026-11-26T13:00', { zone: ZONE });
  });

  it('B4: staff may override the lead time explicitly; who and why are recorded', async () => {
    expect(
      await code(book(svc, seeker(3, { at: '2026-11-26T15:00', overrideLeadTime: { reason: '' } }))),
    ).toBe('LEAD_TIME');
    const r = await book(
      svc,
      seeker(3, { at: '2026-11-26T15:00', actor: 'sato', overrideLeadTime: { reason: '求人の締切が明日' } }),
    );
    expect(r.booking.leadTimeOverride).toEqual({ by: 'sato', reason: '求人の締切が明日' });
    expect(r.booking.history[0]?.note).toMatch(/override/);
  });

  it('B5/B6: every missing or malformed field is named; the seeker number is stored normalised', async () => {
    const err = await book(svc, {
      ...seeker(4),
      seekerNumber: '12',
      email: 'nope',
      phone: 'x',
      birthdate: '1990-13-01',
    }).catch((e) => e);
    expect(err.code).toBe('SEEKER_INVALID');
    expect(err.details.problems).toHaveLength(4);
    const r = await book(
      svc,
      seeker(4, { seekerNumber: '０１０２０－１２３４５６７８', at: '2026-12-01T10:30' }),
    );
    expect((await svc.store.getSeeker(r.booking.seekerId))?.seekerNumber).toBe('01020-12345678');
  });

  it('B12: out-of-scope topics are refused with the referral text to read out', async () => {
    const err = await book(svc, seeker(5, { topic: '職業訓練の相談' })).catch((e) => e);
    expect(err.code).toBe('OUT_OF_SCOPE');
    expect(err.details.referralText).toMatch(/窓口/);
  });

  it('B9: 50 concurrent bookings of a slot with one free staff member: exactly one wins', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => book(svc, seeker(100 + i, { at: '2026-12-02T11:00' }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const reasons = results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => r.reason.code);
    expect(new Set(reasons)).toEqual(new Set(['SLOT_FULL']));
  });

  it('B9/B10: a returning seeker gets the previous staff member when free, else the least loaded', async () => {
    const s2 = await addStaff(svc.store, {
      name: '鈴木 一郎',
      email: 'staff2@madoguchi.localhost',
      zoomId: '98765432101',
      zoomPasscode: 'zz',
    });
    const first = await book(svc, seeker(6, { at: '2026-12-03T10:00' }));
    const second = await book(svc, seeker(6, { at: '2026-12-03T13:00' }));
    expect(second.booking.staffId).toBe(first.booking.staffId);
    const other = await book(svc, seeker(7, { at: '2026-12-03T13:00' }));
    expect(other.booking.staffId).not.toBe(first.booking.staffId);
    await svc.store.putStaff({ ...s2, active: false });
  });

  it('B11: the use cap, when configured, refuses the booking over the cap', async () => {
    const capped = {
      ...svc,
      config: { ...svc.config, booking: { ...svc.config.booking, useCap: { max: 1, perDays: 30 } } },
    };
    await book(capped, seeker(8, { at: '2026-12-08T10:00' }));
    expect(await code(book(capped, seeker(8, { at: '2026-12-09T10:00' })))).toBe('USE_CAP_REACHED');
  });

  it('REQUEST on book: iMIP right for every client (ical.js, lint, libical), Japanese intact; B1, B13, P1, P2, C1-C3 in DESCRIPTION', async () => {
    const r = await book(svc, seeker(9, { at: '2026-12-10T14:00' }));
    await notifyBooking(svc, r.booking.id);
    const [toSeeker] = await waitInvites('seeker9@example.jp', 1);
    const inv = await inspectInvite(toSeeker!.raw);
    expect(inv.method).toBe('REQUEST');
    expect(inv.mimeMethod).toBe('REQUEST');
    expect(lintIcs(inv.ics, inv.mimeMethod)).toEqual([]);
    expect(inv.event.uid).toBe(r.booking.uid);
    expect(inv.event.sequence).toBe(0);
    expect(inv.event.start).toBe('2026-12-10T05:00:00Z'); // 14:00 JST
    expect(inv.event.end).toBe('2026-12-10T05:30:00Z'); // B1: 30 minutes
    expect(inv.organizer).toBe('ORGANIZER:mailto:consult@madoguchi.localhost');
    expect(inv.attendeeParams).toMatch(/ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION/);
    expect(inv.attendeeParams).not.toMatch(/"REQ-PARTICIPANT"|"NEEDS-ACTION"/);
    for (const needle of [
      '123 4567 8901',
      'a1;b2,c3',
      '録画・録音',
      '個室',
      'Wi-Fi',
      '延長はできません',
      '0134-32-8689',
      '41#',
      '当日のキャンセルは電話のみ',
      '10分',
    ]) {
      expect(inv.event.description).toContain(needle);
    }
    const raw = toSeeker!.raw.toString('utf8').replace(/\r\n[ \t]+/g, ' '); // unfolded headers
    expect(raw).toMatch(/^From: .*<consult@madoguchi\.localhost>/m);
    expect(raw).toMatch(/^Auto-Submitted: auto-generated/m);
    expect(raw).toMatch(/^X-Madoguchi-Loop: /m);
    expect(raw).toMatch(/^Message-ID: <bk_\w+\.0\.seeker@madoguchi\.localhost>/m);
    expect(raw).toMatch(/multipart\/alternative/);
    expect(raw).not.toMatch(/Content-Disposition: attachment/);
    const [toStaff] = await waitInvites('staff1@madoguchi.localhost', 1);
    expect(toStaff!.raw.toString()).not.toContain('seeker1@example.jp');
  });

  it('reschedule keeps the UID with SEQUENCE+1; a cancel after it has a higher SEQUENCE and STATUS:CANCELLED', async () => {
    const r = await book(svc, seeker(10, { at: '2026-12-11T10:00' }));
    await notifyBooking(svc, r.booking.id);
    const moved = await reschedule(svc, r.booking.id, '2026-12-11T13:30', 'test');
    await notifyBooking(svc, moved.id);
    const gone = await cancel(svc, r.booking.id, 'phone', 'test');
    await notifyBooking(svc, gone.id);
    const mails = await waitInvites('seeker10@example.jp', 3);
    // The outbox sends in parallel: arrival order is not message order (clients go by SEQUENCE).
    const invs = (await Promise.all(mails.map((m) => inspectInvite(m.raw)))).sort(
      (a, b) => Number(a.event.sequence) - Number(b.event.sequence),
    );
    expect(invs.map((i) => [i.method, i.event.sequence, i.event.status])).toEqual([
      ['REQUEST', 0, 'CONFIRMED'],
      ['REQUEST', 1, 'CONFIRMED'],
      ['CANCEL', 2, 'CANCELLED'],
    ]);
    expect(new Set(invs.map((i) => i.event.uid)).size).toBe(1);
    expect(invs[1]!.event.start).toBe('2026-12-11T04:30:00Z');
    for (const i of invs) expect(lintIcs(i.ics, i.mimeMethod)).toEqual([]);
    expect(gone.cancel?.channel).toBe('phone');
  });

  it('notifying twice never sends a second copy (idempotent per booking, sequence, recipient)', async () => {
    const r = await book(svc, seeker(11, { at: '2026-12-14T10:00' }));
    await Promise.all([notifyBooking(svc, r.booking.id), notifyBooking(svc, r.booking.id)]);
    await notifyBooking(svc, r.booking.id);
    await waitInvites('seeker11@example.jp', 1);
    await new Promise((res) => setTimeout(res, 500));
    expect(invitesFor('seeker11@example.jp')).toHaveLength(1);
  });

  it('C3/C4: not started 10 minutes after the start = no-show: CANCEL to both, count shown at the next booking', async () => {
    const r = await book(svc, seeker(12, { at: '2026-12-15T10:00' }));
    await notifyBooking(svc, r.booking.id);
    const scheduler = await startScheduler(ctx);
    try {
      // The scheduler process uses the system clock; drive the rule through the same service.
      now = DateTime.fromISO('2026-12-15T10:09', { zone: ZONE });
      const { markNoShow } = await import('../../src/bookings/service.js');
      expect(await markNoShow(svc, r.booking.id, 0)).toBeUndefined(); // 9 minutes: not yet
      now = DateTime.fromISO('2026-12-15T10:10', { zone: ZONE });
      const ns = await markNoShow(svc, r.booking.id, 0);
      expect(ns?.status).toBe('noshow');
      await notifyBooking(svc, r.booking.id);
      const mails = await waitInvites('seeker12@example.jp', 2);
      expect((await inspectInvite(mails[1]!.raw)).method).toBe('CANCEL');
      now = DateTime.fromISO('2026-11-26T13:00', { zone: ZONE });
      const next = await book(svc, seeker(12, { at: '2026-12-16T10:00' }));
      expect(next.pastNoShows).toBe(1);
    } finally {
      await scheduler.close();
      now = DateTime.fromISO('2026-11-26T13:00', { zone: ZONE });
    }
  });

  it('C3: a consultation marked started never becomes a no-show', async () => {
    const r = await book(svc, seeker(13, { at: '2026-12-16T13:00' }));
    now = DateTime.fromISO('2026-12-16T13:02', { zone: ZONE });
    await attend(svc, r.booking.id, 'sato');
    now = DateTime.fromISO('2026-12-16T13:30', { zone: ZONE });
    const { markNoShow } = await import('../../src/bookings/service.js');
    expect(await markNoShow(svc, r.booking.id, 0)).toBeUndefined();
    expect((await svc.store.getBooking(r.booking.id))?.status).toBe('attended');
    now = DateTime.fromISO('2026-11-26T13:00', { zone: ZONE });
  });

  it('every REQUEST and CANCEL produced passes Debian libical restriction_check', async () => {
    expect(allInvites.length).toBeGreaterThanOrEqual(8);
    const icss = await Promise.all(allInvites.map(async (m) => (await inspectInvite(m.raw)).ics));
    for (const line of libicalCheck(icss)) expect(line).toMatch(/: OK$/);
  });

  it('golden MIME output of a REQUEST (dates, stamps and boundaries normalised)', async () => {
    const m = allInvites.find((x) => x.to.includes('seeker9@example.jp'))!;
    const norm = m.raw
      .toString('utf8')
      .replace(/bk_[0-9a-f]{12}/g, 'bk_ID')
      .replace(/^Date: .*$/m, 'Date: DATE')
      .replace(/DTSTAMP:\d{8}T\d{6}Z/g, 'DTSTAMP:STAMP')
      .replace(/--_NmP-[\w-]+/g, '--BOUNDARY')
      .replace(/boundary="--_NmP-[\w-]+"/g, 'boundary="--BOUNDARY"');
    const golden = path.resolve(__dirname, '../golden/request-seeker.eml');
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, norm);
    expect(norm).toBe(readFileSync(golden, 'utf8'));
  });
});
