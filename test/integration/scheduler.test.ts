import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BookingServices, bookingServices } from '../../src/bookings/deps.js';
import { notifyBooking } from '../../src/bookings/notify.js';
import { book } from '../../src/bookings/service.js';
import { addStaff } from '../../src/bookings/staff.js';
import type { SmtpSink } from '../../src/devstack/smtp-sink.js';
import { ZONE } from '../../src/domain/time.js';
import { inboundStores } from '../../src/inbound/deps.js';
import { startOutbox } from '../../src/outbox/worker.js';
import { type Context, createContext } from '../../src/runtime/context.js';
import type { Handle } from '../../src/runtime/processes.js';
import { startScheduler } from '../../src/scheduler/worker.js';
import { startSink, testConfig, testEnv } from '../helpers/stack.js';

// A clock that runs at real speed from a chosen instant: BullMQ delays are real milliseconds.
function clockFrom(start: DateTime) {
  const t0 = Date.now();
  return { now: () => start.plus({ milliseconds: Date.now() - t0 }) };
}

// Booked on 26 November, well ahead of the consultations these tests run at (B4: by the day before).
async function bookAhead(
  ctx: Context,
  input: Omit<Parameters<typeof book>[1], 'actor'>,
  first?: (s: BookingServices) => Promise<unknown>,
) {
  const s = bookingServices(ctx, { now: () => DateTime.fromISO('2026-11-26T13:00', { zone: ZONE }) });
  try {
    await first?.(s);
    return (await book(s, { ...input, actor: 'test' })).booking;
  } finally {
    await s.close();
  }
}

/**
 * The booking's invitations sent with a clock at `due` less 1.5 s: the check or reminder scheduled
 * for `due` comes due 1.5 s from now. Returns that clock.
 */
async function notifiedDueAt(ctx: Context, bookingId: string, due: string) {
  const clock = clockFrom(DateTime.fromISO(due, { zone: ZONE }).minus({ milliseconds: 1500 }));
  const notifier = bookingServices(ctx, clock);
  await notifyBooking(notifier, bookingId);
  await notifier.close();
  return clock;
}

describe('scheduler: delayed reminders and no-show checks survive a restart (C3)', () => {
  let sink: SmtpSink;
  let ctx: Context;
  let outbox: Handle;
  let svc: BookingServices;
  beforeAll(async () => {
    sink = await startSink();
    ctx = createContext(testConfig(testEnv({ smtpUrl: sink.url })));
    outbox = await startOutbox(ctx);
  });
  afterAll(async () => {
    await outbox.close();
    await svc?.close();
    await ctx.close();
    await sink.stop();
  });

  it('C3: a no-show check due while no scheduler runs fires once the next one starts, and only once', async () => {
    const booking = await bookAhead(
      ctx,
      {
        seekerNumber: '01020-55555555',
        name: '田中 次郎',
        birthdate: '1985-01-01',
        email: 'late@example.jp',
        phone: '0134-00-0000',
        at: '2026-12-15T10:00',
        topic: '職務経歴書',
      },
      (s) =>
        addStaff(s.store, {
          name: '佐藤 花子',
          email: 'staff1@madoguchi.localhost',
          zoomId: '12345678901',
          zoomPasscode: 'p',
        }),
    );
    // The no-show check comes due 1.5 s from now (start + 10 min).
    const clock = clockFrom(
      DateTime.fromISO('2026-12-15T10:10', { zone: ZONE }).minus({ milliseconds: 1500 }),
    );
    svc = bookingServices(ctx, clock);
    await notifyBooking(svc, booking.id); // REQUEST invitations; schedules the check
    const first = await startScheduler(ctx, clock);
    await first.close(); // the scheduler goes down before the check is due
    await new Promise((r) => setTimeout(r, 2500));
    const second = await startScheduler(ctx, clock);
    const third = await startScheduler(ctx, clock); // two schedulers: the job still runs once
    try {
      await sink.waitFor((m) => m.to.includes('late@example.jp') && m.raw.includes('method=CANCEL'), 15_000);
      expect((await svc.store.getBooking(booking.id))?.status).toBe('noshow');
      expect(await svc.store.noShows(booking.seekerId)).toBe(1);
      await new Promise((r) => setTimeout(r, 500));
      expect(
        sink.messages.filter((m) => m.to.includes('late@example.jp') && m.raw.includes('method=CANCEL')),
      ).toHaveLength(1);
      expect(
        sink.messages.filter(
          (m) => m.to.includes('staff1@madoguchi.localhost') && m.raw.includes('method=CANCEL'),
        ),
      ).toHaveLength(1);
    } finally {
      await second.close();
      await third.close();
    }
  });

  it('C3 "no contact": a seeker who wrote on the day is not made a no-show; the staff member is told once', async () => {
    const booking = await bookAhead(ctx, {
      seekerNumber: '01020-77777777',
      name: '高橋 三郎',
      birthdate: '1988-03-03',
      email: 'wrote@example.jp',
      phone: '0134-00-0002',
      at: '2026-12-15T14:00',
      topic: '履歴書',
    });
    // "Zoomに入れません" at 14:05 JST: recorded on the seeker's page as the inbound worker does.
    await inboundStores(ctx).store.recordSeekerMail(booking.seekerId, {
      hash: 'c3-contact',
      at: '2026-12-15T14:05:00.000+09:00',
      subject: 'Zoomに入れません',
      rule: 'triage',
      action: 'staff-triage',
      reason: 'no automatic action',
    });
    const clock = await notifiedDueAt(ctx, booking.id, '2026-12-15T14:10');
    const scheduler = await startScheduler(ctx, clock);
    const isNotice = (m: { to: string[]; raw: Buffer }) =>
      m.to.includes('staff1@madoguchi.localhost') &&
      m.raw.includes(booking.id) &&
      !m.raw.includes('text/calendar');
    try {
      const notice = await sink.waitFor(isNotice, 15_000);
      expect((await simpleParser(notice.raw)).subject).toBe(
        `【確認】不参加の記録を保留しました（予約 ${booking.id}）`,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(sink.messages.filter(isNotice)).toHaveLength(1);
      expect((await svc.store.getBooking(booking.id))?.status).toBe('booked');
      expect(await svc.store.noShows(booking.seekerId)).toBe(0);
      expect(
        sink.messages.filter((m) => m.to.includes('wrote@example.jp') && m.raw.includes('method=CANCEL')),
      ).toHaveLength(0);
    } finally {
      await scheduler.close();
    }
  });

  it('a reminder due while no scheduler runs is sent once the next one starts, once', async () => {
    const booking = await bookAhead(ctx, {
      seekerNumber: '01020-66666666',
      name: '鈴木 一郎',
      birthdate: '1990-02-02',
      email: 'remind@example.jp',
      phone: '0134-00-0001',
      at: '2026-12-15T11:00',
      topic: '履歴書',
    });
    // Reminders go out the working day before at reminders.sendAt (10:00): due 1.5 s from now.
    const clock = await notifiedDueAt(ctx, booking.id, '2026-12-14T10:00');
    const first = await startScheduler(ctx, clock);
    await first.close();
    await new Promise((r) => setTimeout(r, 2500));
    const second = await startScheduler(ctx, clock);
    const third = await startScheduler(ctx, clock);
    const isReminder = (m: { to: string[]; raw: Buffer }) =>
      m.to.includes('remind@example.jp') && !m.raw.includes('text/calendar');
    try {
      const mail = await sink.waitFor(isReminder, 15_000);
      expect(mail.raw.toString()).toMatch(/Auto-Submitted: auto-generated/);
      await new Promise((r) => setTimeout(r, 500));
      expect(sink.messages.filter(isReminder)).toHaveLength(1);
      expect((await svc.store.getBooking(booking.id))?.status).toBe('booked');
    } finally {
      await second.close();
      await third.close();
    }
  });
});
