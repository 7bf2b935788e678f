import { readFileSync } from 'node:fs';
import type { ParsedMail } from '../../src/inbound/parse.js';
import { parsedMail } from './mail.js';

// The labelled set of issue #13 (test/fixtures/intents/README.md): one mail per line.
const SET = new URL('../fixtures/intents/mails.tsv', import.meta.url);

export interface Row {
  label: string;
  subject: string;
  body: string;
  attachment: string;
  /** The booking's JST start when the mail speaks of another than the default one (README). */
  booking: string;
}

export const intentSet = (): Row[] =>
  readFileSync(SET, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [label = '', subject = '', body = '', attachment = '', booking = ''] = l.split('\t');
      return { label, subject, body: body.replace(/\\n/g, '\n'), attachment, booking };
    });

/** The row as the parser would give it: its attachment, if any, a (tiny) PDF. */
export const setMail = (r: Row): ParsedMail =>
  parsedMail({
    subject: r.subject,
    text: r.body,
    attachments: r.attachment
      ? [
          {
            filename: r.attachment,
            contentType: 'application/pdf',
            size: 1,
            sha256: '',
            content: Buffer.from('%PDF-1.4'),
            inline: false,
          },
        ]
      : [],
  });
