import { DateTime } from 'luxon';
import type { Booking, Seeker, Staff } from '../bookings/model.js';
import type { Config } from '../config/schema.js';
import { maskSeekerNumber } from '../domain/seeker-number.js';
import { formatJaRange, jst } from '../domain/time.js';
import { envelope } from '../outbox/envelope.js';
import type { OutboxMail } from '../outbox/queue.js';
import { buildIcs, type ItipMethod } from './ics.js';
import { render, renderPlain, renderReply } from './templates.js';

export type Role = 'seeker' | 'staff';

export interface InviteParts {
  config: Readonly<Config>;
  booking: Booking;
  seeker: Seeker;
  staff: Staff;
  now?: DateTime;
}

function vars(p: InviteParts, change: string): Record<string, string> {
  const o = p.config.office;
  return {
    officeName: o.name,
    officeShortName: o.shortName,
    phone: o.phone,
    departmentCode: o.departmentCode,
    consultationAddress: o.consultationAddress,
    graceMinutes: String(p.config.noShow.graceMinutes),
    when: formatJaRange(jst(p.booking.start), jst(p.booking.end)),
    topic: p.booking.topic,
    zoomId: p.staff.zoomId,
    zoomPasscode: p.staff.zoomPasscode,
    seekerName: p.seeker.name,
    seekerNumberMasked: maskSeekerNumber(p.seeker.seekerNumber),
    staffName: p.staff.name,
    bookingRef: p.booking.id,
    changeNote: change,
    cancelReason:
      p.booking.status === 'noshow' ? '開始時刻を過ぎてもご連絡がなかったため' : 'キャンセルのご連絡による',
    noShows: '0',
  };
}

/**
 * One invitation mail (iMIP, RFC 6047) for one recipient: Japanese text + HTML from templates/,
 * and a text/calendar part with method equal to METHOD, inside multipart/alternative (nodemailer
 * icalEvent). The staff copy names the staff member as ATTENDEE; the seeker copy the seeker.
 */
export function inviteMail(
  p: InviteParts,
  method: ItipMethod,
  role: Role,
  opts: { noShows?: number; staffOverride?: Staff } = {},
): OutboxMail {
  const staff = opts.staffOverride ?? p.staff;
  const parts = { ...p, staff };
  const v = vars(parts, p.booking.sequence > 0 && method === 'REQUEST' ? '（変更）' : '');
  v.noShows = String(opts.noShows ?? 0);
  const kind = `${method === 'REQUEST' ? 'request' : 'cancel'}-${role}`;
  const r = render(kind, v);
  const attendee =
    role === 'seeker'
      ? { name: p.seeker.name, email: p.seeker.email }
      : { name: staff.name, email: staff.email };
  const ics = buildIcs({
    method,
    uid: p.booking.uid,
    sequence: p.booking.sequence,
    start: jst(p.booking.start),
    end: jst(p.booking.end),
    summary: `オンライン職業相談（${p.config.office.shortName}）`,
    description: renderPlain('calendar/description.txt', v),
    location: `Zoom ミーティングID ${staff.zoomId}`,
    organizerEmail: p.config.office.consultationAddress,
    attendee,
    stamp: p.now ?? DateTime.utc(),
  });
  const ref = `${p.booking.id}.${p.booking.sequence}.${role}${opts.staffOverride ? '-prev' : ''}`;
  return {
    ...envelope(p.config, ref),
    to: [attendee.email],
    subject: r.subject,
    text: r.text,
    html: r.html,
    icalEvent: { method, content: ics },
  };
}

export function reminderMail(p: InviteParts): OutboxMail {
  const r = render('reminder-seeker', vars(p, ''));
  const ref = `${p.booking.id}.${p.booking.sequence}.reminder`;
  return {
    ...envelope(p.config, ref),
    to: [p.seeker.email],
    subject: r.subject,
    text: r.text,
    html: r.html,
  };
}

/** Issue #13: the seeker's apology when a mail was wrongly taken for a cancellation (with its REQUEST). */
export function apologyMail(p: InviteParts): OutboxMail {
  const r = renderReply('reinstated', 'ja', vars(p, ''));
  return {
    ...envelope(p.config, `${p.booking.id}.${p.booking.sequence}.apology`),
    to: [p.seeker.email],
    subject: r.subject,
    text: r.text,
  };
}

/**
 * C3: to the staff member, when the seeker wrote on the consultation's day and the no-show is
 * theirs to record (src/bookings/no-show.ts).
 */
export function noShowLeftMail(p: InviteParts): OutboxMail {
  const r = renderReply('staff-noshow-contact', 'ja', vars(p, ''));
  return {
    ...envelope(p.config, `${p.booking.id}.${p.booking.sequence}.noshow-contact`),
    to: [p.staff.email],
    subject: r.subject,
    text: r.text,
  };
}
