import type { Queue } from 'bullmq';
import { previousWorkingDay } from '../domain/calendar.js';
import { jst } from '../domain/time.js';
import { apologyMail, inviteMail } from '../invites/messages.js';
import { enqueueMail, type OutboxJob } from '../outbox/queue.js';
import type { Context } from '../runtime/context.js';
import type { ScheduleJob } from '../scheduler/queue.js';
import type { Clock } from './service.js';
import type { BookingStore } from './store.js';

export interface NotifyDeps {
  ctx: Context;
  store: BookingStore;
  outbox: Queue<OutboxJob>;
  schedule: Queue<ScheduleJob>;
  clock: Clock;
}

const jobId = (type: ScheduleJob['type'], id: string, seq: number) => `${type}-${id}-${seq}`;

/**
 * Brings the outside world in line with a booking's current state: invitations (REQUEST or CANCEL,
 * one per booking, sequence and recipient ever), reminder and no-show timers. Safe to repeat:
 * every job id is deterministic. Called right after each change and by the scheduler's sweep of
 * the pending set, so a process dying between the change and this call loses nothing.
 */
export async function notifyBooking(deps: NotifyDeps, id: string): Promise<void> {
  const { store, ctx } = deps;
  const b = await store.getBooking(id);
  if (!b) return;
  const [seeker, staff] = await Promise.all([store.getSeeker(b.seekerId), store.getStaff(b.staffId)]);
  if (!seeker || !staff) {
    ctx.log.error('booking references a missing seeker or staff member', { booking: id });
    return;
  }
  const parts = { config: ctx.config, booking: b, seeker, staff };
  const refs = { booking: b.id, sequence: String(b.sequence) };
  const queue = async (key: string, kind: string, mail: OutboxJob['mail']) =>
    enqueueMail(deps.outbox, ctx, { key, kind, refs, mail });
  const now = deps.clock.now();

  // Earlier timers are now stale: remove them (their handlers also check the sequence).
  for (let s = 0; s < b.sequence; s++) {
    // A job that is running right now is locked and cannot be removed; it sees the new sequence.
    await deps.schedule.remove(jobId('reminder', id, s)).catch(() => 0);
    await deps.schedule.remove(jobId('noshow', id, s)).catch(() => 0);
  }

  if (b.status === 'booked') {
    // No invitation for a slot already past (a clock-skewed retry, a late sweep).
    if (jst(b.start).toMillis() > now.toMillis()) {
      const noShows = await store.noShows(b.seekerId);
      await queue(`${id}.${b.sequence}.seeker`, 'invite-request', inviteMail(parts, 'REQUEST', 'seeker'));
      await queue(
        `${id}.${b.sequence}.staff`,
        'invite-request',
        inviteMail(parts, 'REQUEST', 'staff', { noShows }),
      );
      // Reinstated after a mail was wrongly taken for a cancellation: an apology with the invitation.
      if (b.history.at(-1)?.action === 'reinstate')
        await queue(`${id}.${b.sequence}.apology`, 'reinstate-apology', apologyMail(parts));
    }
    if (b.previousStaffId && b.previousStaffId !== b.staffId) {
      const prev = await store.getStaff(b.previousStaffId);
      if (prev) {
        await queue(
          `${id}.${b.sequence}.staff-prev`,
          'invite-cancel',
          inviteMail(parts, 'CANCEL', 'staff', { staffOverride: prev }),
        );
      }
    }
    const r = ctx.config.reminders;
    const [hh, mm] = r.sendAt.split(':').map(Number);
    const remindAt = previousWorkingDay(jst(b.start), ctx.config.booking).set({ hour: hh, minute: mm });
    if (r.enabled && remindAt.toMillis() > now.toMillis()) {
      await deps.schedule.add(
        'reminder',
        { type: 'reminder', bookingId: id, sequence: b.sequence },
        {
          jobId: jobId('reminder', id, b.sequence),
          delay: remindAt.toMillis() - now.toMillis(),
        },
      );
    }
    const noShowAt = jst(b.start).plus({ minutes: ctx.config.noShow.graceMinutes });
    await deps.schedule.add(
      'noshow',
      { type: 'noshow', bookingId: id, sequence: b.sequence },
      {
        jobId: jobId('noshow', id, b.sequence),
        delay: Math.max(0, noShowAt.toMillis() - now.toMillis()),
      },
    );
  } else if (b.status === 'cancelled' || b.status === 'noshow') {
    await queue(`${id}.${b.sequence}.seeker`, 'invite-cancel', inviteMail(parts, 'CANCEL', 'seeker'));
    await queue(`${id}.${b.sequence}.staff`, 'invite-cancel', inviteMail(parts, 'CANCEL', 'staff'));
  }
  await store.markNotified(id, b.sequence);
}
