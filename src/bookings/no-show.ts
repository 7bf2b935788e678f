import type { DateTime } from 'luxon';
import { jst } from '../domain/time.js';
import type { Booking } from './model.js';

/** C3: when a booking counts as a no-show if nobody was in touch: graceMinutes past its start. */
export const noShowDeadline = (b: Pick<Booking, 'start'>, graceMinutes: number): DateTime =>
  jst(b.start).plus({ minutes: graceMinutes });

/**
 * C3 reads "no contact and 10 minutes past the start time": a seeker who wrote on the day (JST) of
 * the consultation, up to now ("Zoomに入れません", "10分ほど遅れます", a same-day cancellation
 * refused by C2), was in touch. Treating them as a no-show cancels the booking and counts against
 * them (C4), so the automatic check leaves it to the staff member, who read the mail.
 */
export function wroteOnTheDay(mailsAt: string[], b: Pick<Booking, 'start'>, now: DateTime): boolean {
  const day = jst(b.start).startOf('day').toMillis();
  return mailsAt.some((at) => {
    const t = jst(at).toMillis();
    return t >= day && t <= now.toMillis();
  });
}
