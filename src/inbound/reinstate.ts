import type { Booking } from '../bookings/model.js';
import { notifyBooking } from '../bookings/notify.js';
import { cancellingMail, reinstate } from '../bookings/service.js';
import type { InboundDeps } from './deps.js';

/**
 * Undo a cancellation that a mail caused (issue #13's safety net), for the CLI and the console:
 * the booking comes back (SEQUENCE+1), the REQUEST invitations and the seeker's apology follow
 * (notifyBooking; the pending-notify set covers a crash before it), and the audit names the mail.
 */
export async function reinstateBooking(deps: InboundDeps, id: string, actor: string): Promise<Booking> {
  const before = await deps.svc.store.getBooking(id);
  const mail = before ? cancellingMail(before) : undefined;
  const b = await reinstate(deps.svc, id, actor);
  await deps.store.audit({
    rule: 'C1',
    action: 'reinstate',
    booking: b.id,
    mail: mail ?? '',
    actor,
    reason: 'cancellation by mail undone',
    outcome: 'ok',
  });
  await notifyBooking(deps.svc, b.id);
  return b;
}
