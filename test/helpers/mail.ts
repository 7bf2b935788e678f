import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { ParsedMail } from '../../src/inbound/parse.js';

/** authserv-id the test config trusts, as the office MX would stamp it. */
export const TRUSTED_MX = 'mx.test.example';

export interface MailSpec {
  from: string;
  to?: string;
  subject: string;
  text?: string;
  /** Stamp a DMARC pass by the trusted MX (default true). */
  dmarc?: boolean;
  headers?: Record<string, string>;
  messageId?: string;
  /** Extra MIME part (e.g. a text/calendar REPLY): [content-type, body]. */
  part?: [string, string];
  /** Attachments (file names as RFC 2047 words, so any character can be tested). */
  files?: Array<{ name: string; type: string; data: Buffer }>;
}

const b64 = (s: string) =>
  Buffer.from(s, 'utf8')
    .toString('base64')
    .replace(/(.{76})/g, '$1\r\n');
const word = (s: string) => `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;

/** A mail as a seeker's client would write it (UTF-8, base64), with the MX's Authentication-Results. */
export function mail(spec: MailSpec): string {
  const domain = spec.from.split('@')[1];
  const id = spec.messageId ?? `<${randomUUID()}@${domain}>`;
  const head = [
    ...(spec.dmarc === false
      ? []
      : [
          `Authentication-Results: ${TRUSTED_MX}; spf=pass smtp.mailfrom=${domain}; dmarc=pass header.from=${domain}`,
        ]),
    `From: ${spec.from}`,
    `To: ${spec.to ?? 'consult@madoguchi.localhost'}`,
    `Subject: ${word(spec.subject)}`,
    `Date: ${DateTime.now().toRFC2822()}`,
    `Message-ID: ${id}`,
    'MIME-Version: 1.0',
    ...Object.entries(spec.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  const body = b64(spec.text ?? '');
  const parts = [
    ...(spec.part ? [{ head: [`Content-Type: ${spec.part[0]}`], data: b64(spec.part[1]) }] : []),
    ...(spec.files ?? []).map((f) => ({
      head: [
        `Content-Type: ${f.type}; name="${word(f.name)}"`,
        `Content-Disposition: attachment; filename="${word(f.name)}"`,
      ],
      data: f.data.toString('base64').replace(/(.{76})/g, '$1\r\n'),
    })),
  ];
  const text = ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: base64', '', body];
  if (!parts.length) return [...head, ...text, ''].join('\r\n');
  const bnd = `b-${randomUUID()}`;
  return [
    ...head,
    `Content-Type: multipart/mixed; boundary="${bnd}"`,
    '',
    `--${bnd}`,
    ...text,
    ...parts.flatMap((p) => [`--${bnd}`, ...p.head, 'Content-Transfer-Encoding: base64', '', p.data]),
    `--${bnd}--`,
    '',
  ].join('\r\n');
}

/** The Message-ID of a raw mail this helper wrote (to find it again with waitHandled). */
export const idOf = (raw: string) => /^Message-ID: (.+)$/m.exec(raw)![1]!.trim();

/**
 * A delivery status notification (RFC 3464) from a mail system: a text part, one delivery-status
 * part with a block of fields per recipient, and the returned message's headers naming `returned`.
 */
export function dsnMail(recipients: string[][], returned: string): string {
  return [
    'From: MAILER-DAEMON@mx.example.jp',
    'To: consult@madoguchi.localhost',
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <dsn-${Date.now()}-${Math.random().toString(36).slice(2)}@mx.example.jp>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
    '',
    '--B',
    'Content-Type: text/plain',
    '',
    'Delivery failed.',
    '--B',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.jp',
    ...recipients.flatMap((fields) => ['', ...fields]),
    '--B',
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${returned}`,
    'Subject: invitation',
    '--B--',
    '',
  ].join('\r\n');
}

/** A parsed mail (the parse's shape) for unit tests of what a mail says; fields as given. */
export const parsedMail = (over: Partial<ParsedMail>): ParsedMail => ({
  hash: 'h',
  messageId: '<m@x>',
  inReplyTo: undefined,
  references: [],
  from: 'seeker@example.jp',
  fromMailboxes: 1,
  subject: '',
  text: '',
  headers: new Map(),
  attachments: [],
  repairs: [],
  ...over,
});
