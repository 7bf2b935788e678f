import type { DateTime } from 'luxon';
import type { Booking } from '../bookings/model.js';
import { jst, jstDate } from '../domain/time.js';
import { notTheBooking } from '../intent/when.js';
import type { AutomatedKind } from './automated.js';
import type { Intent } from './intent.js';
import type { Plan } from './store.js';

export interface Facts {
  hash: string;
  automated: AutomatedKind | undefined;
  /** One From mailbox, and DMARC passed per the trusted server's Authentication-Results. */
  verified: boolean;
  /** Why not verified, in words for staff (auth-results.ts senderTrust). */
  unverified?: string;
  /** Seekers on file with the From address. */
  seekerIds: string[];
  /** That seeker's bookings still to come at receipt (status booked, start after INTERNALDATE). */
  upcoming: Booking[];
  intent: Intent;
  /** INTERNALDATE: when our server received it. Never the sender's Date: header. */
  receivedAt: DateTime;
  english: boolean;
}

const base = (f: Facts) => ({ hash: f.hash, english: f.english, outcome: 'processed' as const });
const triage = (f: Facts, rule: string, reason: string, extra: Partial<Plan> = {}): Plan => ({
  ...base(f),
  rule,
  action: 'staff-triage',
  reason,
  triage: true,
  ...extra,
});

/**
 * The decision for one mail, a pure function of what we know (RULES.md C1, C2, B8, B12, D1).
 * Replies only to a verified sender (a forged From must not make us write to a stranger) and never
 * to automated mail; the thread and daily caps are applied when the reply is sent.
 */
export function decide(f: Facts): Plan {
  if (f.automated === 'own-mail')
    return { ...base(f), rule: 'loop', action: 'ignore-own-mail', reason: 'our own mail came back' };
  if (f.automated === 'bounce')
    return { ...base(f), rule: 'dsn', action: 'record-bounce', reason: 'delivery failure report' };
  if (f.automated) return { ...base(f), rule: 'rfc3834', action: 'ignore-automated', reason: f.automated };

  const known = f.verified && f.seekerIds.length === 1;
  const why = !f.verified
    ? (f.unverified ?? 'sender not verified (DMARC)')
    : f.seekerIds.length === 0
      ? 'sender not on file'
      : 'address shared by several seekers';
  const reply = (name: string) => (f.verified ? { reply: name } : {});
  const i = f.intent;

  if (i.kind === 'calendar-reply') {
    if (!known) return triage(f, 'itip-reply', why);
    if (i.problem) return triage(f, 'itip-reply', i.problem);
    const target = f.upcoming.find((b) => b.uid === i.uid);
    if (!target) return triage(f, 'itip-reply', 'no matching booking');
    // An answer to an invitation sent before a reschedule is about a time that no longer holds: a
    // DECLINED of the old time must not cancel the new one ([MS-OXOCAL]: a response whose sequence
    // is below the meeting's is out of date). Staff ask the seeker.
    if (i.sequence !== target.sequence)
      return triage(
        f,
        'itip-reply',
        `reply to an earlier invitation (SEQUENCE ${i.sequence}, now ${target.sequence})`,
      );
    // A note or files sent with the answer must not be lost under it: files or a request with an
    // acceptance, or a change asked with a decline (B8: changes by phone; nothing is cancelled).
    if (i.note && (i.partstat !== 'DECLINED' || i.note === 'change'))
      return triage(f, 'itip-reply', `${i.partstat} with a note or files (${i.note})`);
    if (i.partstat !== 'DECLINED')
      return {
        ...base(f),
        rule: 'itip-reply',
        action: 'record-partstat',
        reason: i.partstat,
        bookingId: target.id,
      };
    // A decline cancels; files, a referral topic or a question sent with it go to staff as well.
    return alsoToStaff(
      cancellation(f, target, 'calendar: DECLINED'),
      i.note === 'cancel' ? undefined : i.note,
    );
  }
  if (i.kind === 'cancel') {
    if (!known) return triage(f, 'C1', why);
    if (f.upcoming.length !== 1)
      return triage(f, 'C1', f.upcoming.length ? 'several upcoming bookings' : 'no upcoming booking');
    const b = f.upcoming[0]!;
    // A mail handled late (a backlog, or released from quarantine days after: it keeps its
    // INTERNALDATE) cannot mean a booking made, moved or reinstated after it arrived.
    if (lastSetAt(b) > f.receivedAt.toMillis())
      return triage(f, 'C1', 'the booking was made or changed after this mail arrived');
    const other = notTheBooking(i.named, jst(b.start), jst(b.end), f.receivedAt);
    if (other) return triage(f, 'C1', other);
    // Cancelled (or refused for the day) all the same; what else the mail asks goes to staff too.
    return alsoToStaff(cancellation(f, b, i.sentence), i.also);
  }
  if (i.kind === 'documents') {
    // D1/D2: only the assigned staff member of a verified seeker's next booking gets the files.
    if (!known) return triage(f, 'D1', why);
    const next = [...f.upcoming].sort((a, b) => a.start.localeCompare(b.start))[0];
    if (!next) return triage(f, 'D1', 'documents without an upcoming booking');
    // The files go; what else the mail asks goes to staff with it (the forward holds no text).
    return alsoToStaff(
      {
        ...base(f),
        rule: 'D1',
        action: 'deliver-documents',
        reason: 'documents for the assigned staff member',
        bookingId: next.id,
        reply: 'documents-received',
      },
      i.also,
    );
  }
  // When in doubt, triage without a reply: a wrong cancellation or referral harms a seeker.
  if (i.kind === 'unsure') return triage(f, i.rule, i.reason);
  if (i.kind === 'out-of-scope') return triage(f, 'B12', `out of scope: ${i.scope}`, reply('referral'));
  if (i.kind === 'booking-request')
    return triage(f, 'B8', 'booking or change request (by phone only)', reply('by-phone'));
  return triage(f, 'triage', 'no automatic action');
}

/** An action taken, and the mail to staff triage as well when it asks something more (`also`). */
const alsoToStaff = (plan: Plan, also: string | undefined): Plan =>
  also ? { ...plan, triage: true, reason: `${plan.reason}; the mail also: ${also}` } : plan;

/** When the booking was last made, moved or reinstated (ms), from its history. */
const lastSetAt = (b: Booking): number =>
  Math.max(
    0,
    ...b.history
      .filter((e) => e.action === 'book' || e.action === 'reschedule' || e.action === 'reinstate')
      .map((e) => Date.parse(e.at)),
  );

/**
 * C1: before the consultation day (JST) → cancel; C2: on the day → phone only. Either way the
 * staff member is told, quoting what was taken as the request, so a wrong one is caught that day.
 */
function cancellation(f: Facts, b: Booking, quote: string): Plan {
  const day = jstDate(jst(b.start));
  const received = jstDate(f.receivedAt);
  if (received < day)
    return {
      ...base(f),
      rule: 'C1',
      action: 'cancel',
      reason: 'cancelled by mail before the day',
      bookingId: b.id,
      reply: 'cancelled',
      alertStaff: true,
      quote,
    };
  return {
    ...base(f),
    rule: 'C2',
    action: 'same-day-refused',
    reason: 'same-day cancellation is by phone only',
    bookingId: b.id,
    reply: 'same-day',
    alertStaff: true,
    quote,
  };
}
