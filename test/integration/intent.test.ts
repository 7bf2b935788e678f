import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundDeps } from '../../src/inbound/deps.js';
import { reinstateBooking } from '../../src/inbound/reinstate.js';
import { appendRaw } from '../helpers/imap.js';
import {
  type InboundStack,
  inboundStack,
  openDay,
  seekerWithBooking,
  waitHandled,
} from '../helpers/inbound.js';
import { idOf, mail } from '../helpers/mail.js';

// Issue #13 part 1 through the real pipeline: the mails that cancelled or referred wrongly before,
// and the safety net for a cancellation that should not have been (reinstate).
const settle = () => new Promise((r) => setTimeout(r, 800));
const textOf = async (raw: Buffer) => (await simpleParser(raw)).text ?? '';

describe('intent on real mail: precision first, and a way back', () => {
  let s: InboundStack;
  let slot: (hhmm: string) => string;
  // The bookings' day as a seeker writes it (12月14日): a week from now may be 来週 or the week
  // after, and a cancellation naming another day goes to staff (when.ts).
  let dayJa: string;
  beforeAll(async () => {
    s = await inboundStack('box16');
    const day = openDay(s.ctx, 7);
    slot = (hhmm) => `${day.toISODate()}T${hhmm}`;
    dayJa = `${day.month}月${day.day}日`;
  });
  afterAll(() => s.stop());

  /** The mail is handled, and the booking, the seeker's inbox and the calendars are as before. */
  async function untouched(raw: string, email: string, bookingId: string) {
    await appendRaw('box16', 'INBOX', raw);
    expect(await waitHandled('box16', idOf(raw))).toBe('Processed');
    await settle();
    expect(await s.svc.store.getBooking(bookingId)).toMatchObject({ status: 'booked', sequence: 0 });
    const to = s.sink.messages.filter((m) => m.to.includes(email));
    expect(to.filter((m) => m.raw.includes('auto-replied') || m.raw.includes('method=CANCEL'))).toHaveLength(
      0,
    );
  }

  it.each([
    ['waiting list', 'キャンセル待ちについて', '来週の相談はキャンセル待ちに登録できますか。'],
    ['withdrawn job offer', '相談', '内定取り消しについて相談したいです。'],
    ['says it is not one', '確認', 'これはキャンセルではありません。予約の時間を確認したいだけです。'],
    [
      'line failure (通信障害)',
      '接続について',
      '自宅の回線に通信障害があり、接続テストの方法を教えてください。',
    ],
    ['not a new graduate', '相談', '新卒ではありません。転職の相談です。'],
    ['finished vocational training', '応募', '職業訓練を修了し、求人に応募したい。'],
  ])('%s: no cancellation, no referral, no reply; staff triage', async (_name, subject, text) => {
    const email = `t${Math.random().toString(36).slice(2, 8)}@example.jp`;
    const { booking } = await seekerWithBooking(s.svc, email, slot('10:00'));
    const raw = mail({ from: email, subject, text });
    await untouched(raw, email, booking.id);
    const last = (await s.store.auditEntries()).at(-1);
    expect(last).toMatchObject({ action: 'staff-triage' });
  });

  it('a cancellation by mail tells the staff member, quoting the sentence; reinstate undoes it', async () => {
    const email = 'undo@example.jp';
    const { booking, staffEmail } = await seekerWithBooking(s.svc, email, slot('11:00'));
    const raw = mail({
      from: email,
      subject: 'ご連絡',
      text: `お世話になります。\n${dayJa}の相談をキャンセルさせてください。`,
    });
    await appendRaw('box16', 'INBOX', raw);
    expect(await waitHandled('box16', idOf(raw))).toBe('Processed');
    expect(await s.svc.store.getBooking(booking.id)).toMatchObject({ status: 'cancelled', sequence: 1 });
    const notice = await s.sink.waitFor((m) => m.to.includes(staffEmail) && !m.raw.includes('text/calendar'));
    expect(await textOf(notice.raw)).toContain(`「${dayJa}の相談をキャンセルさせてください」`);
    expect(await textOf(notice.raw)).toContain(`madoguchi reinstate ${booking.id}`);

    // The seeker's page in the console lists the mail and what was decided.
    expect(await s.store.seekerMails(booking.seekerId)).toEqual([
      expect.objectContaining({ subject: 'ご連絡', rule: 'C1', action: 'cancel' }),
    ]);

    const deps = inboundDeps(s.ctx);
    const b = await reinstateBooking(deps, booking.id, 'staff:test');
    expect(b).toMatchObject({ status: 'booked', sequence: 2, staffId: booking.staffId, uid: booking.uid });
    for (const to of [email, staffEmail]) {
      const inv = await s.sink.waitFor(
        (m) => m.to.includes(to) && m.raw.includes('method=REQUEST') && m.raw.includes('SEQUENCE:2'),
      );
      expect(inv.raw.toString()).toContain(`UID:${booking.uid}`);
    }
    const apology = await s.sink.waitFor((m) => m.to.includes(email) && m.raw.includes('.apology@'));
    expect(await textOf(apology.raw)).toContain('申し訳ございません');
    const audit = (await s.store.auditEntries()).filter((e) => e.action === 'reinstate');
    expect(audit).toEqual([
      expect.objectContaining({
        booking: booking.id,
        mail: expect.stringMatching(/^[0-9a-f]{16}$/),
        actor: 'staff:test',
      }),
    ]);
    expect(JSON.stringify(audit)).not.toContain(email); // P4

    // Only once: a second reinstate is refused, and no second apology is sent.
    await expect(reinstateBooking(deps, booking.id, 'staff:test')).rejects.toMatchObject({
      code: 'BOOKING_STATE',
    });
    await settle();
    expect(s.sink.messages.filter((m) => m.to.includes(email) && m.raw.includes('.apology@'))).toHaveLength(
      1,
    );
    await deps.svc.close();
  });

  it('a From with a stranger beside the seeker, under a trusted DMARC pass, cancels nothing (part 4)', async () => {
    const email = 'two@example.jp';
    const { booking } = await seekerWithBooking(s.svc, email, slot('14:00'));
    const raw = mail({ from: email, subject: 'キャンセル', text: '来週の相談をキャンセルします。' }).replace(
      `From: ${email}`,
      `From: ${email}, other@attacker.example`,
    );
    await untouched(raw, email, booking.id);
    expect((await s.store.auditEntries()).at(-1)).toMatchObject({
      action: 'staff-triage',
      reason: 'From is not exactly one mailbox',
    });
  });

  it('reinstate is refused once the slot has been given to someone else', async () => {
    const email = 'taken@example.jp';
    const { booking } = await seekerWithBooking(s.svc, email, slot('13:00'));
    const raw = mail({ from: email, subject: 'キャンセル', text: `${dayJa}の相談をキャンセルします。` });
    await appendRaw('box16', 'INBOX', raw);
    await waitHandled('box16', idOf(raw));
    expect((await s.svc.store.getBooking(booking.id))?.status).toBe('cancelled');
    await s.ctx.redis.hset(s.svc.store.slotKey(booking.start), booking.staffId, 'bk_other');
    const deps = inboundDeps(s.ctx);
    await expect(reinstateBooking(deps, booking.id, 'staff:test')).rejects.toMatchObject({
      code: 'SLOT_FULL',
    });
    expect((await s.svc.store.getBooking(booking.id))?.status).toBe('cancelled');
    await deps.svc.close();
  });
});
