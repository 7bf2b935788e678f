import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillSkimmed, isComplete, type ParsedMail, parseMail } from '../../src/inbound/parse.js';
import { skim } from '../../src/inbound/skim.js';
import { CORPUS, corpusMails } from '../helpers/corpus.js';
import { mail } from '../helpers/mail.js';

const limits = { maxBytes: 40 * 1024 * 1024, timeoutMs: 10_000 };
const corpus = corpusMails();

const b64 = (b: Buffer) => b.toString('base64').replace(/(.{76})/g, '$1\r\n');
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(100_000, 7)]);

/** A mail from CRLF-joined lines. */
const eml = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');
const head = ['From: a@example.jp', 'Subject: resume', 'Message-ID: <s@example.jp>', 'MIME-Version: 1.0'];
const pdfPart = (b = 'B') => [
  `--${b}`,
  'Content-Type: application/pdf; name="r.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  b64(pdf),
];
const textPart = (text: string, b = 'B') => [`--${b}`, 'Content-Type: text/plain; charset=UTF-8', '', text];

/** A mail with a text and one 100 KB base64 part of `type`. */
const withPart = (type: string) =>
  Buffer.from(mail({ from: 'a@example.jp', subject: 'x', part: [type, 'x'.repeat(100_000)] }));

/** What a decision reads: everything but the content of the files `lite` skimmed. */
function view(m: ParsedMail, lite: ParsedMail) {
  return {
    subject: m.subject,
    text: m.text,
    from: m.from,
    messageId: m.messageId,
    headers: [...m.headers],
    repairs: m.repairs,
    attachments: m.attachments.map((a, i) => ({
      filename: a.filename,
      contentType: a.contentType,
      inline: a.inline,
      ...(lite.attachments[i]?.skimmed ? {} : { sha256: a.sha256, size: a.size }),
    })),
  };
}

describe('skim: the first parse reads what a mail is, not its files', () => {
  it('a PDF body is replaced by a token; the parse gives the same mail, the part marked skimmed', async () => {
    const raw = eml(
      ...head,
      'Content-Type: multipart/mixed; boundary="B"',
      '',
      ...textPart('hello'),
      ...pdfPart(),
      '--B--',
      '',
    );
    const s = skim(raw);
    expect(s?.tokens.size).toBe(1);
    expect(s!.input.length).toBeLessThan(1000);
    const full = await parseMail(raw, limits);
    const lite = await parseMail(raw, limits, { skimAbove: 64 * 1024 });
    expect(view(lite, lite)).toEqual(view(full, lite));
    expect(isComplete(lite)).toBe(false);
    expect(lite.attachments[0]).toMatchObject({ skimmed: {}, filename: 'r.pdf', sha256: '' });
    expect(lite.attachments[0]!.size).toBeGreaterThan(pdf.length - 3);
    expect(isComplete(full)).toBe(true);
  });

  it('nested multiparts: the file inside multipart/related is skimmed', async () => {
    const raw = eml(
      ...head,
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/related; boundary="inner"',
      '',
      ...textPart('hello', 'inner'),
      ...pdfPart('inner'),
      '--inner--',
      '--outer--',
      '',
    );
    expect(skim(raw)?.tokens.size).toBe(1);
  });

  it.each([
    ['the boundary quoted in a text', [...textPart('see --B in the text'), ...pdfPart(), '--B--', '']],
    ['no closing delimiter', [...textPart('x'), ...pdfPart(), '']],
    ['a part after the closing delimiter', [...textPart('x'), '--B--', ...pdfPart(), '--B--', '']],
    ['a delimiter with a lone CR in front', [...textPart('x'), ...pdfPart(), '\r--B--', '']],
    ['a delimiter line with more after it', [...textPart('x'), ...pdfPart(), '--B-- x', '']],
  ])('not skimmed, parsed whole: %s', async (_, body) => {
    const raw = eml(...head, 'Content-Type: multipart/mixed; boundary="B"', '', ...body);
    expect(skim(raw)).toBeUndefined();
    const m = await parseMail(raw, limits, { skimAbove: 64 * 1024 });
    expect(isComplete(m)).toBe(true);
  });

  it.each([
    ['text, even when large and base64', 'text/plain; charset=UTF-8'],
    ['a calendar sent as application/ics', 'application/ics'],
    ['a forwarded message', 'message/rfc822'],
  ])('never skimmed: %s', (_, type) => {
    expect(skim(withPart(type))).toBeUndefined();
  });

  it('the same mail with a PDF is skimmed (the cases above fail for their type alone)', () => {
    expect(skim(withPart('application/pdf'))?.tokens.size).toBe(1);
  });

  // Bodies a careful sender never writes, filled as mailparser's decoder reads them.
  it.each([
    ['every line padded on its own', ['QUJD', 'RA==', 'RUY=', 'Rw=='].join('\r\n').repeat(3000)],
    [
      'base64url characters and junk',
      `${b64(pdf).slice(0, 90_000)}-_*.\u00e9\u00ff\t ${b64(pdf).slice(0, 1000)}`,
    ],
    ['data after the padding, no line breaks', `${'QUJDRA=='.repeat(20_000)}QUJD`],
    ['a length that is not a multiple of four', `${b64(pdf)}QUJ`],
  ])('a hostile body, filled: the same bytes as a whole parse (%s)', async (_, body) => {
    const raw = eml(
      ...head,
      'Content-Type: multipart/mixed; boundary="B"',
      '',
      ...textPart('hello'),
      '--B',
      'Content-Type: application/pdf; name="r.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      body,
      '--B--',
      '',
    );
    const lite = await parseMail(raw, limits, { skimAbove: 1 });
    expect(isComplete(lite)).toBe(false);
    expect(await fillSkimmed(raw, lite, limits)).toEqual(await parseMail(raw, limits));
  });

  it('every corpus mail, every file part skimmed (threshold 1 byte): the same mail as a full parse; its files filled from the mail equal the whole parse, byte for byte', async () => {
    let skimmedParts = 0;
    for (const f of corpus) {
      const raw = readFileSync(path.join(CORPUS, f));
      const full = await parseMail(raw, limits).catch((e: Error) => e);
      const lite = await parseMail(raw, limits, { skimAbove: 1 }).catch((e: Error) => e);
      if (full instanceof Error) {
        expect(lite, f).toBeInstanceOf(Error);
        continue;
      }
      expect(lite, f).not.toBeInstanceOf(Error);
      expect(view(lite as ParsedMail, lite as ParsedMail), f).toEqual(view(full, lite as ParsedMail));
      skimmedParts += (lite as ParsedMail).attachments.filter((a) => a.skimmed).length;
      const filled = await fillSkimmed(raw, lite as ParsedMail, limits);
      expect(isComplete(filled), f).toBe(true);
      expect(filled, f).toEqual(full);
    }
    expect(skimmedParts).toBeGreaterThan(20);
  });
});
