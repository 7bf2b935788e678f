import { createEvent } from 'ics';
import type { DateTime } from 'luxon';
import { fold, unfold } from './fold.js';

export type ItipMethod = 'REQUEST' | 'CANCEL';

export interface InviteEvent {
  method: ItipMethod;
  uid: string;
  sequence: number;
  start: DateTime;
  end: DateTime;
  summary: string;
  description: string;
  location: string;
  organizerEmail: string;
  attendee: { name: string; email: string };
  /** DTSTAMP: when this message was made (fresh for each message). */
  stamp: DateTime;
}

/**
 * One iMIP VCALENDAR (RFC 5546) built with `ics`, then repaired where ics 3.12 departs from what
 * calendar clients need: ORGANIZER as a bare lower-case mailto:, unquoted ATTENDEE enum parameters,
 * DTEND instead of DURATION, no X-PUBLISHED-TTL (a PUBLISH-feed property), octet folding.
 * REQUEST is CONFIRMED; CANCEL is always STATUS:CANCELLED (never REQUEST+CANCELLED).
 */
export function buildIcs(ev: InviteEvent): string {
  const { error, value } = createEvent({
    productId: '-//madoguchi//online consultation//JA',
    method: ev.method,
    uid: ev.uid,
    sequence: ev.sequence,
    start: ev.start.toUTC().toMillis(),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: ev.end.toUTC().toMillis(),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: ev.summary,
    description: ev.description,
    location: ev.location,
    status: ev.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    organizer: { email: ev.organizerEmail },
    attendees: [
      {
        name: ev.attendee.name,
        email: ev.attendee.email,
        rsvp: true,
        partstat: 'NEEDS-ACTION',
        role: 'REQ-PARTICIPANT',
      },
    ],
  });
  if (error || !value) throw error ?? new Error('ics produced nothing');
  const stamp = `DTSTAMP:${ev.stamp.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'")}`;
  const lines = unfold(value)
    .filter((l) => !l.startsWith('X-PUBLISHED-TTL') && !l.startsWith('CALSCALE'))
    .map((l) => {
      if (l.startsWith('ORGANIZER')) return `ORGANIZER:mailto:${ev.organizerEmail}`;
      if (l.startsWith('DTSTAMP:')) return stamp;
      if (l.startsWith('ATTENDEE'))
        return l
          .replace(/=("?)([A-Z-]+)\1(?=[;:])/g, (_m, _q, v) => `=${v}`)
          .replace(/:MAILTO:/i, ':mailto:');
      return l;
    });
  return fold(lines);
}
