import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import nodeIcal from 'node-ical';
import { describe, expect, it } from 'vitest';
import { buildIcs } from '../../src/invites/ics.js';

// Issue #13 part 3: a seeker's name must reach every client's ATTENDEE intact. CN is a parameter:
// a quoted-string with RFC 6868 caret escapes, never a backslash escape. Each file goes through
// ical.js (Thunderbird), node-ical, Debian's libical and python-icalendar (test/helpers/ical-names.py).
const NAMES = [
  '山田 "テスト" 太郎',
  'a,b;c:d\\e^f',
  "O'Brien ^n ^' ^^",
  '🙂 佐藤 👨‍👩‍👧',
  '寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末食う寝る処に住む処やぶら小路の藪柑子', // > 75 octets
  'が\u3099 e\u0301 하\u1161', // combining marks, NFD
];

const ics = (name: string) =>
  buildIcs({
    method: 'REQUEST',
    uid: 'bk_x@madoguchi.localhost',
    sequence: 0,
    start: DateTime.fromISO('2026-12-16T10:00', { zone: 'Asia/Tokyo' }),
    end: DateTime.fromISO('2026-12-16T10:30', { zone: 'Asia/Tokyo' }),
    summary: 'オンライン職業相談',
    description: 'テスト, "引用"; \\ 改行\nあり',
    location: 'Zoom',
    organizerEmail: 'consult@madoguchi.localhost',
    attendee: { name, email: 'seeker@example.jp' },
    stamp: DateTime.utc(),
  });

describe('names in ATTENDEE survive every client (RFC 5545 §3.2, RFC 6868)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'madoguchi-names-'));
  const files = NAMES.map((n, i) => {
    const f = path.join(dir, `${i}.ics`);
    writeFileSync(f, ics(n));
    return f;
  });
  const python = JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      [path.resolve(import.meta.dirname, '../helpers/ical-names.py'), ...files],
      {
        encoding: 'utf8',
      },
    ),
  ) as Array<Record<string, { cn: string | null; email: string }>>;

  it.each(NAMES.map((n, i) => [n, i] as const))('%s', (written, i) => {
    const text = ics(written);
    // What every client must show: the name, with a semicolon as ； (see paramValue).
    const name = written.replace(/;/g, '；');
    expect(text).not.toMatch(/\\"/); // no backslash escapes in a parameter
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);

    // ical.js (Thunderbird) implements RFC 6868: the name comes back exactly.
    const ev = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!;
    const att = ev.getFirstProperty('attendee')!;
    expect(att.getParameter('cn')).toBe(name);
    expect(String(att.getFirstValue())).toBe('mailto:seeker@example.jp');
    expect(ev.getFirstPropertyValue('description')).toBe('テスト, "引用"; \\ 改行\nあり');

    // node-ical: the ATTENDEE and its address are kept; the CN is the name, or its RFC 6868 form
    // where the parser does not decode carets.
    const parsed = Object.values(nodeIcal.sync.parseICS(text)).find(
      (c) => c?.type === 'VEVENT',
    ) as unknown as {
      attendee: { params: { CN: string }; val: string };
    };
    expect(parsed.attendee.val).toBe('mailto:seeker@example.jp');
    expect(decode6868(parsed.attendee.params.CN)).toBe(name);

    // libical implements RFC 6868; python-icalendar (Debian 12: 4.0) does not, but keeps the
    // ATTENDEE whole (with a backslash escape it dropped it).
    const { libical, icalendar } = python[i]!;
    expect(libical?.cn).toBe(name);
    expect(decode6868(icalendar?.cn ?? '')).toBe(name);
    for (const got of [libical, icalendar]) expect(got?.email.toLowerCase()).toBe('mailto:seeker@example.jp');
  });
});

/** RFC 6868 decoding for parsers that return the parameter as written. */
function decode6868(v: string): string {
  return v.replace(/\^(\^|'|n)/g, (_m, c: string) => (c === '^' ? '^' : c === "'" ? '"' : '\n'));
}
