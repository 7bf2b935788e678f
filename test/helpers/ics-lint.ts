import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';

export interface InviteCheck {
  method: string;
  mimeMethod: string | undefined;
  ics: string;
  event: {
    uid: string;
    sequence: number;
    summary: string;
    description: string;
    status: string;
    start: string;
    end: string;
  };
  attendeeParams: string;
  organizer: string;
}

/** Extracts the text/calendar part of a raw invite mail and checks it as calendar clients would. */
export async function inspectInvite(raw: Buffer): Promise<InviteCheck> {
  const rawText = raw.toString('utf8');
  const parsed = await simpleParser(raw);
  const m = /Content-Type: text\/calendar; charset=utf-8; method=([A-Z]+)/i.exec(rawText);
  const part = parsed.attachments.find((a) => a.contentType === 'text/calendar');
  const ics = part?.content.toString('utf8') ?? '';
  const comp = new ICAL.Component(ICAL.parse(ics));
  const ev = comp.getFirstSubcomponent('vevent')!;
  const get = (n: string) => ev.getFirstPropertyValue(n);
  return {
    method: String(comp.getFirstPropertyValue('method')),
    mimeMethod: m?.[1],
    ics,
    event: {
      uid: String(get('uid')),
      sequence: Number(get('sequence')),
      summary: String(get('summary')),
      description: String(get('description')),
      status: String(get('status')),
      start: (get('dtstart') as ICAL.Time).toString(),
      end: (get('dtend') as ICAL.Time).toString(),
    },
    attendeeParams: /^ATTENDEE[^:]*/m.exec(ics.replace(/\r\n /g, ''))?.[0] ?? '',
    organizer: /^ORGANIZER.*$/m.exec(ics)?.[0]?.trim() ?? '',
  };
}

/** RFC 5545 syntax a parser may forgive but a strict client will not. Returns problems. */
export function lintIcs(ics: string, mimeMethod: string | undefined): string[] {
  const problems: string[] = [];
  if (!ics.endsWith('\r\n')) problems.push('does not end with CRLF');
  if (/[^\r]\n/.test(ics)) problems.push('bare LF');
  for (const line of ics.split('\r\n')) {
    if (Buffer.byteLength(line, 'utf8') > 75) problems.push(`line over 75 octets: ${line.slice(0, 20)}`);
  }
  if (ics.includes('\uFFFD')) problems.push('U+FFFD: a multi-byte character was split');
  const unfolded = ics.replace(/\r\n[ \t]/g, '');
  const method = /^METHOD:(.*)$/m.exec(unfolded)?.[1];
  if (method !== mimeMethod) problems.push(`METHOD ${method} differs from MIME method ${mimeMethod}`);
  if (method === 'CANCEL' && !/^STATUS:CANCELLED$/m.test(unfolded))
    problems.push('CANCEL without STATUS:CANCELLED');
  if (method === 'REQUEST' && /^STATUS:CANCELLED$/m.test(unfolded))
    problems.push('REQUEST with STATUS:CANCELLED');
  for (const l of unfolded.split('\r\n').filter((x) => /^(SUMMARY|DESCRIPTION|LOCATION):/.test(x))) {
    const value = l.slice(l.indexOf(':') + 1);
    if (/(^|[^\\])[;,]/.test(value.replace(/\\\\/g, '')))
      problems.push(`unescaped ; or , in ${l.slice(0, 12)}`);
    if (/\n/.test(value)) problems.push('raw newline in TEXT');
  }
  if (!/^DTSTART:\d{8}T\d{6}Z$/m.test(unfolded) || !/^DTEND:\d{8}T\d{6}Z$/m.test(unfolded))
    problems.push('DTSTART/DTEND not UTC');
  if (!/^DTSTAMP:\d{8}T\d{6}Z$/m.test(unfolded)) problems.push('DTSTAMP not UTC');
  return problems;
}

/** Debian libical's restriction_check for each calendar; returns lines 'file: OK|FAIL …'. */
export function libicalCheck(icsTexts: string[]): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ics-'));
  const files = icsTexts.map((t, i) => {
    const f = path.join(dir, `${i}.ics`);
    writeFileSync(f, t);
    return f;
  });
  const script = path.resolve(__dirname, 'ical.py');
  return execFileSync('/usr/bin/python3', [script, ...files], { encoding: 'utf8' })
    .trim()
    .split('\n');
}
