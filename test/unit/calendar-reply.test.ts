import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { calendarReply } from '../../src/inbound/calendar-reply.js';
import { documentParts } from '../../src/inbound/intent.js';
import type { InboundPart } from '../../src/inbound/parse.js';

// A DECLINED cancels a booking (decide.ts): the reply must be read as iCalendar is written, its
// values from one event, whatever else the part holds, and a line that is none of our business
// must not hide it.
const SEEKER = 'taro@example.jp';
const part = (text: string, contentType = 'text/calendar; method=REPLY'): InboundPart => ({
  filename: 'invite.ics',
  contentType,
  size: text.length,
  sha256: '',
  content: Buffer.from(text),
  inline: false,
});
const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`;
const calendar = (method: string, event: string[], extra: string[] = []) =>
  crlf([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Test//EN',
    `METHOD:${method}`,
    ...extra,
    'BEGIN:VEVENT',
    ...event,
    'END:VEVENT',
    'END:VCALENDAR',
  ]);
const event = (attendee: string[], more: string[] = []) => [
  'UID:mdg-123@madoguchi.localhost',
  'SEQUENCE:1',
  'DTSTAMP:20261209T010000Z',
  'ORGANIZER:mailto:consult@madoguchi.localhost',
  ...attendee,
  ...more,
];
const read = (parts: InboundPart[]) => calendarReply(parts, SEEKER);
const DECLINED = { partstat: 'DECLINED', uid: 'mdg-123@madoguchi.localhost', sequence: 1 };

describe('calendarReply: the ATTENDEE line as clients write it', () => {
  const cases: Array<[string, string[]]> = [
    ['Outlook: a quoted CN', ['ATTENDEE;PARTSTAT=DECLINED;CN="山田 太郎":mailto:Taro@Example.jp']],
    [
      'a quoted CN holding ":" and ";" before PARTSTAT',
      ['ATTENDEE;CN="Yamada; T: 太郎";PARTSTAT=DECLINED:mailto:taro@example.jp'],
    ],
    ['lower-case names and values', ['attendee;partstat=declined;cn=taro:MAILTO:taro@example.jp']],
    [
      'folded inside the parameters',
      ['ATTENDEE;CN=Taro;PART', ' STAT=DECL', '\tINED:mailto:taro@example.jp'],
    ],
    ['a quoted PARTSTAT', ['ATTENDEE;PARTSTAT="DECLINED":mailto:taro@example.jp']],
    [
      'a multi-valued parameter before it',
      ['ATTENDEE;DELEGATED-FROM="mailto:a@x","mailto:b@x";PARTSTAT=DECLINED:mailto:taro@example.jp'],
    ],
  ];
  for (const [name, attendee] of cases)
    it(name, () => expect(read([part(calendar('REPLY', event(attendee)))])).toEqual(DECLINED));

  it('no PARTSTAT is NEEDS-ACTION (RFC 5545 §3.2.12), no SEQUENCE is 0, a SEQUENCE that is no number matches nothing', () => {
    const noSeq = event(['ATTENDEE:mailto:taro@example.jp']).filter((l) => !l.startsWith('SEQUENCE'));
    expect(read([part(calendar('REPLY', noSeq))])).toMatchObject({ partstat: 'NEEDS-ACTION', sequence: 0 });
    expect(read([part(calendar('REPLY', [...noSeq, 'SEQUENCE:two']))])?.sequence).toBeNaN();
  });

  it('an alarm inside the event, with its own ATTENDEE (ACTION:EMAIL), is not the replying attendee', () => {
    const alarm = [
      'BEGIN:VALARM',
      'ACTION:EMAIL',
      'ATTENDEE;PARTSTAT=ACCEPTED:mailto:other@example.jp',
      'END:VALARM',
    ];
    expect(
      read([part(calendar('REPLY', event(['ATTENDEE;PARTSTAT=DECLINED:mailto:taro@example.jp'], alarm)))]),
    ).toEqual(DECLINED);
  });
});

describe('calendarReply: a calendar part is known by its content, not only its label', () => {
  it('a reply attached as application/octet-stream "invite.ics" is read, and is no document', () => {
    const p = part(
      calendar('REPLY', event(['ATTENDEE;PARTSTAT=DECLINED:mailto:taro@example.jp'])),
      'application/octet-stream',
    );
    expect(read([p])).toEqual(DECLINED);
    expect(documentParts([p])).toEqual([]);
    const pdf = part('%PDF-1.4\n', 'application/octet-stream');
    expect(documentParts([p, pdf])).toEqual([pdf]);
  });
});

describe('calendarReply: lines that are none of our business do not hide the reply', () => {
  it('an Exchange VTIMEZONE with "BYDAY=MO, TU" and an unterminated TZID quote (both in the corpus)', () => {
    const tz = [
      'BEGIN:VTIMEZONE',
      'TZID:Tokyo Standard Time',
      'BEGIN:STANDARD',
      'DTSTART:16010101T000000',
      'RRULE:FREQ=DAILY;UNTIL=20150722T080000Z;INTERVAL=1;BYDAY=MO, TU, WE',
      'TZOFFSETFROM:+0900',
      'TZOFFSETTO:+0900',
      'END:STANDARD',
      'END:VTIMEZONE',
    ];
    const ev = event(
      ['ATTENDEE;PARTSTAT=DECLINED:mailto:taro@example.jp'],
      ['DTSTART;TZID="Tokyo Standard Time:20261210T100000"'],
    );
    expect(read([part(calendar('REPLY', ev, tz))])).toEqual(DECLINED);
  });
});

describe('calendarReply: one event from one attendee, or staff look', () => {
  const declined = event(['ATTENDEE;PARTSTAT=DECLINED:mailto:taro@example.jp']);

  it('values come from the REPLY alone when the part also holds a REQUEST (our invitation, quoted back)', () => {
    const request = calendar('REQUEST', [
      'UID:mdg-999@madoguchi.localhost',
      'SEQUENCE:4',
      'ATTENDEE;PARTSTAT=ACCEPTED:mailto:taro@example.jp',
    ]);
    expect(read([part(request + calendar('REPLY', declined))])).toEqual(DECLINED);
    expect(read([part(request)])).toBeUndefined();
  });

  it('the same reply twice (text/calendar and an .ics attachment, as Gmail sends it) is one', () => {
    const text = calendar('REPLY', declined);
    expect(read([part(text), part(text, 'application/ics; name="invite.ics"')])).toEqual(DECLINED);
  });

  it('two different events, one occurrence of an event, or an attendee who is not only the sender: a problem', () => {
    const other = calendar(
      'REPLY',
      event(['ATTENDEE;PARTSTAT=ACCEPTED:mailto:taro@example.jp'], ['COMMENT:x']),
    );
    expect(read([part(calendar('REPLY', declined)), part(other)])?.problem).toMatch(/2 events/);
    expect(read([part(calendar('REPLY', [...declined, 'RECURRENCE-ID:20261210T010000Z']))])).toMatchObject({
      uid: DECLINED.uid,
      problem: 'a calendar reply about one occurrence of an event',
    });
    const two = (a: string, b: string) =>
      read([
        part(
          calendar(
            'REPLY',
            event([`ATTENDEE;PARTSTAT=DECLINED:mailto:${a}`, `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${b}`]),
          ),
        ),
      ]);
    expect(two('staff@madoguchi.localhost', SEEKER)).toMatchObject({ partstat: 'ACCEPTED' }); // the sender's own
    expect(two('a@example.jp', 'b@example.jp')?.problem).toMatch(/2 attendees, none of them only the sender/);
    expect(two(SEEKER, SEEKER)?.problem).toMatch(/2 attendees/);
    expect(read([part(calendar('REPLY', event([])))])?.problem).toBe('a calendar reply naming no attendee');
  });

  it('components that do not pair up, or nest deeper than any client: unreadable, a problem', () => {
    const broken = calendar('REPLY', declined).replace('END:VEVENT\r\n', '');
    expect(read([part(broken)])?.problem).toMatch(/cannot be read/);
    const deep = calendar('REPLY', [...declined, ...Array(20).fill('BEGIN:X'), ...Array(20).fill('END:X')]);
    expect(read([part(deep)])?.problem).toMatch(/cannot be read/);
  });
});

describe('calendarReply on the corpus (test/fixtures/corpus-ics, 96 files)', () => {
  const root = path.resolve(import.meta.dirname, '../fixtures/corpus-ics');
  const files = readdirSync(root)
    .filter((d) => d.startsWith('ics-'))
    .flatMap((d) => readdirSync(path.join(root, d)).map((f) => path.join(d, f)));

  it('reads each file as sent: only iTIP streams holding several objects answer, and they are problems', () => {
    expect(files.length).toBe(96);
    const replies = new Map<string, unknown>();
    for (const f of files) {
      const r = read([part(readFileSync(path.join(root, f)).toString('latin1'))]);
      if (r) replies.set(f, r);
    }
    // libical's RFC 2446 examples and incoming.ics concatenate REQUESTs, REPLYs (one DECLINED,
    // one DELEGATED), CANCELs and COUNTERs: the old pattern read the first REQUEST's UID with the
    // chair's ACCEPTED. DavMail's free/busy REPLYs are about no event.
    expect([...replies.keys()].sort()).toEqual([
      'ics-itip/libical__2446.ics',
      'ics-itip/libical__incoming.ics',
    ]);
    for (const r of replies.values()) expect(r).toMatchObject({ problem: expect.stringMatching(/events$/) });
  });

  it('survives each file turned into a REPLY (hostile, malformed, recurring, time zones): an answer, never a throw', () => {
    for (const f of files) {
      const text = readFileSync(path.join(root, f))
        .toString('latin1')
        .replace(/METHOD:\w+/gi, 'METHOD:REPLY');
      const r = read([part(text)]);
      if (r) expect(typeof r.partstat, f).toBe('string');
    }
  });
});
