import { type InboundPart, normaliseAddress } from './parse.js';

// A seeker's calendar answering our invitation (RFC 5546 §3.2.3 REPLY). A DECLINED cancels a
// booking (decide.ts), so every value must come from one reply event, read as iCalendar is written:
// the trap was reading the first UID, SEQUENCE and PARTSTAT of the whole part with patterns, which
// mixed values from different objects when a part held several (a REQUEST before the REPLY in a
// concatenated stream, libical's incoming.ics) and misread an ATTENDEE whose quoted CN holds ':'.
// Read here with a tolerant content-line reader, not ical.js: ical.js rejects a whole calendar
// for one bad line that is none of our business (an Exchange VTIMEZONE's "BYDAY=MO, TU", an
// unterminated TZID quote: both in the corpus), and a real decline must not be lost to that.

export interface CalendarReply {
  /** The replying attendee's PARTSTAT (RFC 5545 §3.2.12; absent = NEEDS-ACTION). */
  partstat: string;
  uid: string | undefined;
  /** Absent is 0 (RFC 5545 §3.8.7.4); present but not a number is NaN, which matches no booking. */
  sequence: number;
  /** Why the reply cannot be acted on without staff (several events, no attendee that is the sender…). */
  problem?: string;
}

/** One content line (RFC 5545 §3.1): NAME *(";" param) ":" value. Names upper-cased. */
interface Line {
  name: string;
  params: Map<string, string>;
  value: string;
}

interface Component {
  name: string;
  lines: Line[];
  children: Component[];
}

// No client nests calendar components deeper than VCALENDAR > VEVENT > VALARM; a deeper file is built
// to hurt parsers. A calendar part larger than this is no reply to a 30-minute consultation.
const MAX_DEPTH = 8;
const MAX_PART_BYTES = 1024 * 1024;

/** One content line, or undefined when it is not one (it is skipped, as clients skip it). */
function contentLine(s: string): Line | undefined {
  let i = 0;
  while (i < s.length && s[i] !== ';' && s[i] !== ':') i++;
  const name = s.slice(0, i).trim().toUpperCase();
  if (!/^[A-Z0-9-]+$/.test(name)) return undefined;
  const params = new Map<string, string>();
  while (s[i] === ';') {
    let eq = i + 1;
    while (eq < s.length && s[eq] !== '=' && s[eq] !== ';' && s[eq] !== ':') eq++;
    if (s[eq] !== '=') return undefined; // a parameter without a value (TEL;WORK:…): not iCalendar
    const key = s
      .slice(i + 1, eq)
      .trim()
      .toUpperCase();
    i = eq + 1;
    let value = '';
    // Values separated by ',' (only the first is kept: PARTSTAT has one); a quoted one may hold ';:,'.
    for (let leading = true; ; leading = false) {
      let v: string;
      if (s[i] === '"') {
        const close = s.indexOf('"', i + 1);
        if (close < 0) return undefined; // an unterminated quote swallows the value: not a line
        v = s.slice(i + 1, close);
        i = close + 1;
      } else {
        const start = i;
        while (i < s.length && s[i] !== ';' && s[i] !== ':' && s[i] !== ',') i++;
        v = s.slice(start, i);
      }
      if (leading) value = v.trim();
      if (s[i] !== ',') break;
      i++;
    }
    if (!params.has(key)) params.set(key, value);
  }
  if (s[i] !== ':') return undefined;
  return { name, params, value: s.slice(i + 1) };
}

/** The components of an iCalendar text, or undefined when BEGIN and END do not pair up. */
function components(text: string): Component[] | undefined {
  const top: Component[] = [];
  const open: Component[] = [];
  // Unfolding (RFC 5545 §3.1): a line break followed by one space or tab continues the line.
  for (const raw of text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/)) {
    const line = contentLine(raw);
    if (!line) continue;
    const kind = line.value.trim().toUpperCase();
    if (line.name === 'BEGIN') {
      if (open.length >= MAX_DEPTH) return undefined;
      const c: Component = { name: kind, lines: [], children: [] };
      (open.at(-1)?.children ?? top).push(c);
      open.push(c);
    } else if (line.name === 'END') {
      if (open.at(-1)?.name !== kind) return undefined;
      open.pop();
    } else open.at(-1)?.lines.push(line);
  }
  return open.length ? undefined : top;
}

const first = (c: Component, name: string) => c.lines.find((l) => l.name === name);
const address = (v: string) => normaliseAddress(v.trim().replace(/^mailto:/i, ''));

const sequenceOf = (v: string | undefined) =>
  v === undefined ? 0 : /^\s*\d{1,9}\s*$/.test(v) ? Number(v) : Number.NaN;

/**
 * A calendar part: labelled so, or an iCalendar object by its content whatever its label (some
 * clients attach a reply as application/octet-stream "invite.ics"; read as a document, it was
 * refused as one and the decline was lost).
 */
export const isCalendar = (p: InboundPart): boolean =>
  /^(text\/calendar|application\/ics)/i.test(p.contentType) ||
  /^\uFEFF?\s*BEGIN:VCALENDAR\r?\n/i.test(p.content.toString('utf8', 0, 64));
const REPLY = /^METHOD:\s*REPLY\s*$/im;
const COUNTER = /^METHOD:\s*COUNTER\s*$/im;
const hasMethod = (p: InboundPart, method: RegExp) =>
  method.test(p.content.toString('latin1', 0, MAX_PART_BYTES));

/**
 * A calendar proposing another time for our invitation (RFC 5546 §3.2.7 COUNTER: Outlook's "Propose
 * New Time"). Changes are by phone only (B8): it is a change request, whatever its text says.
 */
export const calendarCounter = (parts: InboundPart[]): boolean =>
  parts.some((p) => isCalendar(p) && hasMethod(p, COUNTER));

/**
 * The REPLY in a mail's calendar parts, or undefined when none holds one. Its event must be one
 * (the same reply sent twice, as text/calendar and as an .ics attachment, is one), about the whole
 * event (no RECURRENCE-ID: a booking does not repeat), from one attendee: the only ATTENDEE, or
 * the one whose address is the sender's (`from`). Otherwise `problem` says why staff should look.
 */
export function calendarReply(parts: InboundPart[], from: string | undefined): CalendarReply | undefined {
  const events = new Map<string, Component>();
  let unreadable = false;
  for (const p of parts.filter(isCalendar)) {
    if (!hasMethod(p, REPLY)) continue;
    const tree = p.content.length <= MAX_PART_BYTES ? components(p.content.toString('utf8')) : undefined;
    if (!tree) {
      unreadable = true;
      continue;
    }
    for (const cal of tree.filter((c) => c.name === 'VCALENDAR'))
      if (first(cal, 'METHOD')?.value.trim().toUpperCase() === 'REPLY')
        for (const ev of cal.children.filter((c) => c.name === 'VEVENT'))
          events.set(JSON.stringify(ev.lines.map((l) => [l.name, [...l.params], l.value])), ev);
  }
  const bad = (problem: string): CalendarReply => ({
    partstat: 'NEEDS-ACTION',
    uid: undefined,
    sequence: Number.NaN,
    problem,
  });
  if (unreadable)
    return bad('a calendar reply that cannot be read (components do not pair up, or too large)');
  if (events.size === 0) return undefined; // a REPLY about no event (a free/busy answer): not a reply to us
  if (events.size > 1) return bad(`a calendar reply about ${events.size} events`);
  const ev = [...events.values()][0]!;
  const reply = {
    uid: first(ev, 'UID')?.value.trim(),
    sequence: sequenceOf(first(ev, 'SEQUENCE')?.value),
  };
  if (first(ev, 'RECURRENCE-ID'))
    return { ...bad('a calendar reply about one occurrence of an event'), ...reply };
  const attendees = ev.lines.filter((l) => l.name === 'ATTENDEE');
  const sender = from ? attendees.filter((a) => address(a.value) === from) : [];
  const who = attendees.length === 1 ? attendees[0] : sender.length === 1 ? sender[0] : undefined;
  if (!who)
    return {
      ...bad(
        attendees.length
          ? `a calendar reply naming ${attendees.length} attendees, none of them only the sender`
          : 'a calendar reply naming no attendee',
      ),
      ...reply,
    };
  return { partstat: (who.params.get('PARTSTAT') || 'NEEDS-ACTION').toUpperCase(), ...reply };
}
