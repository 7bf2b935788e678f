import { Worker } from 'bullmq';
import type { Booking } from '../bookings/model.js';
import { noShowDeadline, wroteOnTheDay } from '../bookings/no-show.js';
import { notifyBooking } from '../bookings/notify.js';
import { type Clock, markNoShow, systemClock } from '../bookings/service.js';
import { purgeIfDue } from '../documents/purge.js';
import { checkWatcher } from '../inbound/alerts.js';
import { inboundDeps } from '../inbound/deps.js';
import { type InviteParts, noShowLeftMail, reminderMail } from '../invites/messages.js';
import { enqueueMail } from '../outbox/queue.js';
import type { Context } from '../runtime/context.js';
import type { Handle } from '../runtime/processes.js';
import { workerOptions } from '../runtime/queues.js';
import { SCHEDULE_QUEUE, type ScheduleJob } from './queue.js';

const SWEEP_MS = 5000;

/**
 * The scheduler process: fires reminders and no-show checks (C3) when their delayed jobs come due,
 * and sweeps bookings whose notifications are pending (a change whose mail was not yet queued).
 */
export async function startScheduler(ctx: Context, clock: Clock = systemClock): Promise<Handle> {
  const inbound = inboundDeps(ctx, { clock });
  const { svc } = inbound;
  const log = ctx.log.child({ proc: 'scheduler' });

  const partsOf = async (b: Booking): Promise<InviteParts | undefined> => {
    const [seeker, staff] = await Promise.all([
      svc.store.getSeeker(b.seekerId),
      svc.store.getStaff(b.staffId),
    ]);
    return seeker && staff ? { config: ctx.config, booking: b, seeker, staff } : undefined;
  };

  // C3 "no contact and 10 minutes past the start": a seeker who wrote on the day is not made a
  // no-show automatically; their staff member is told once (the outbox key) and records it in the
  // console if nobody came. Checked only when due, as markNoShow itself is.
  const noShow = async (b: Booking) => {
    const now = clock.now();
    if (now < noShowDeadline(b, ctx.config.noShow.graceMinutes)) return 'not-due';
    const mailsAt = (await inbound.store.seekerMails(b.seekerId)).map((m) => m.at);
    if (wroteOnTheDay(mailsAt, b, now)) {
      const parts = await partsOf(b);
      if (parts)
        await enqueueMail(svc.outbox, ctx, {
          key: `${b.id}.${b.sequence}.noshow-contact`,
          kind: 'staff-alert',
          refs: { booking: b.id },
          mail: noShowLeftMail(parts),
        });
      await inbound.store.auditOnce(b.id, `noshow-contact-${b.sequence}`, {
        booking: b.id,
        rule: 'C3',
        action: 'left-to-staff',
        reason: 'the seeker wrote on the day',
      });
      log.info('no-show left to staff: the seeker wrote on the day', { booking: b.id });
      return 'contact';
    }
    const changed = await markNoShow(svc, b.id, b.sequence);
    if (!changed) return 'not-due';
    log.info('no-show recorded', { booking: b.id });
    await notifyBooking(svc, b.id);
    return 'noshow';
  };

  const handle = async (job: ScheduleJob) => {
    const b = await svc.store.getBooking(job.bookingId);
    if (!b || b.sequence !== job.sequence || b.status !== 'booked') return 'stale';
    if (job.type === 'noshow') return noShow(b);
    const parts = await partsOf(b);
    if (!parts) return 'stale';
    await enqueueMail(svc.outbox, ctx, {
      key: `${b.id}.${b.sequence}.reminder`,
      kind: 'reminder',
      refs: { booking: b.id },
      mail: reminderMail(parts),
    });
    return 'reminded';
  };

  const worker = new Worker<ScheduleJob>(SCHEDULE_QUEUE, (job) => handle(job.data), workerOptions(ctx, 2));
  worker.on('failed', (job, err) => log.warn('schedule job failed', { job: job?.id, err }));
  worker.on('error', (err) => log.error('scheduler worker error', { err }));

  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      for (const id of await svc.store.pendingNotifications()) await notifyBooking(svc, id);
      await checkWatcher(inbound);
      await purgeIfDue(inbound);
    } catch (err) {
      log.warn('pending sweep failed', { err });
    } finally {
      sweeping = false;
    }
  };
  await worker.waitUntilReady();
  await sweep();
  const timer = setInterval(() => void sweep(), SWEEP_MS);
  return {
    name: 'scheduler',
    async close() {
      clearInterval(timer);
      await worker.close();
      await svc.close();
    },
  };
}
