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
 * A parameter value (CN) as RFC 5545 §3.1 allows it: always a quoted-string, which cannot hold a
 * DQUOTE, and RFC 6868's caret escapes (^^, ^', ^n) for what it cannot hold. A backslash escape
 * (\") is not a parameter escape: ical.js cut the name at it and python-icalendar dropped the
 * whole ATTENDEE. Control characters never get here (src/domain/text.ts refuses them at input).
 * A semicolon cannot be carried: node-ical splits parameters at it even inside quotes, so it is
 * shown as the full-width ； (the name on file is unchanged; this is only the calendar's label).
 */
export const paramValue = (v: string) =>
  `"${v
    .replace(/;/g, '\uff1b')
    .replace(/\^/g, '^^')
    .replace(/"/g, "^'")
    .replace(/\r\n|\r|\n/g, '^n')
    .replace(/[\u0000-\u001f\u007f]/g, '')}"`;

/**
 * One iMIP VCALENDAR (RFC 5546) built with `ics`, then repaired where ics 3.12 departs from what
 * calendar clients need: ORGANIZER as a bare lower-case mailto:, ATTENDEE written whole (CN per RFC 6868),
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
      // Written whole: ics quotes CN with backslash escapes, which no client reads back.
      if (l.startsWith('ATTENDEE'))
        return `ATTENDEE;RSVP=TRUE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=${paramValue(ev.attendee.name)}:mailto:${ev.attendee.email}`;
      return l;
    });
  return fold(lines);
}
