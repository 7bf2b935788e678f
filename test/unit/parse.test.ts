import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { automatedKind } from '../../src/inbound/automated.js';
import { decodeBytes, guessBytes } from '../../src/inbound/charset.js';
import { parseMail } from '../../src/inbound/parse.js';
import { CORPUS } from '../helpers/corpus.js';

const jis = (s: string) =>
  Buffer.from(Encoding.convert(Encoding.stringToCode(s), { to: 'JIS', from: 'UNICODE' }) as number[]);

const limits = { maxBytes: 40 * 1024 * 1024, timeoutMs: 10_000 };
const read = (f: string) => readFileSync(path.join(CORPUS, f));
const parse = (raw: Buffer | string) =>
  parseMail(Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1'), limits);

/** A mail with one PDF whose Content-Disposition params are the given bytes. */
function pdfMail(params: Buffer): Buffer {
  const l = (s: string) => Buffer.from(s, 'latin1');
  return Buffer.concat([
    l('From: seeker@example.jp\r\nTo: consult@madoguchi.localhost\r\nSubject: resume\r\n'),
    l(
      'Message-ID: <att@example.jp>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="X"\r\n\r\n',
    ),
    l('--X\r\nContent-Type: text/plain; charset=Shift_JIS\r\n\r\nsee attached\r\n'),
    l(
      '--X\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; ',
    ),
    params,
    l('\r\n\r\nJVBERi0xLjQK\r\n--X--\r\n'),
  ]);
}

describe('parsing Japanese mail as phones and PCs really send it', () => {
  const japanese = readdirSync(path.join(CORPUS, 'email-japanese')).filter((f) => f.endsWith('.eml'));

  it.each(japanese)('email-japanese/%s: no U+FFFD in subject, text or filenames', async (f) => {
    const m = await parse(read(`email-japanese/${f}`));
    expect(m.subject).not.toContain('\uFFFD');
    expect(m.text).not.toContain('\uFFFD');
    for (const a of m.attachments) expect(a.filename).not.toContain('\uFFFD');
  });

  it('subjects decode: Shift_JIS encoded-word with docomo emoji, CP932 brackets, split ISO-2022-JP words', async () => {
    expect((await parse(read('email-japanese/jpmobile__docomo-gmail-sjis.eml'))).subject).toMatch(
      /^テスト\uE63E?/u,
    );
    expect((await parse(read('email-japanese/jpmobile__iphone-cp932.eml'))).subject).toBe('Re: 【NKSC】test');
    expect((await parse(read('email-japanese/mimekit__japanese.eml'))).subject).toBe(
      '日本語メールテスト (testing Japanese emails)',
    );
  });

  it('carrier Shift_JIS emoji (CP932 user-defined area) become Private Use characters, not U+FFFD', () => {
    // F991 → U+E000 + (0xF9-0xF0)*188 + (0x91-0x41) = U+E6EC, as Windows maps CP932's user area.
    expect(decodeBytes(Buffer.from([0x83, 0x65, 0xf9, 0x91]), 'Shift_JIS')).toBe('テ\uE6EC');
  });

  it('履歴書.pdf reaches us intact as RFC 2231, as an encoded-word and as raw Shift_JIS bytes', async () => {
    const rfc2231 = Buffer.from(`filename*=UTF-8''${encodeURIComponent('履歴書.pdf')}`, 'latin1');
    const word = Buffer.from(
      `filename="=?ISO-2022-JP?B?${jis('履歴書').toString('base64')}?=.pdf"`,
      'latin1',
    );
    const raw = Buffer.concat([
      Buffer.from('filename="', 'latin1'),
      iconv.encode('履歴書.pdf', 'Shift_JIS'),
      Buffer.from('"', 'latin1'),
    ]);
    for (const params of [rfc2231, word, raw]) {
      const m = await parse(pdfMail(params));
      expect(m.attachments.map((a) => a.filename)).toEqual(['履歴書.pdf']);
    }
  });

  it('ISO-2022-JP text without a charset label is decoded', async () => {
    const body = jis('キャンセルします').toString('latin1');
    const m = await parse(
      `From: a@example.jp\r\nSubject: x\r\nMessage-ID: <j@example.jp>\r\n\r\n${body}\r\n`,
    );
    expect(m.text.trim()).toBe('キャンセルします');
  });

  it('a raw 8-bit Shift_JIS subject is recovered from the header bytes', async () => {
    const raw = Buffer.concat([
      Buffer.from('From: a@docomo.ne.jp\r\nSubject: ', 'latin1'),
      iconv.encode('予約の取消', 'Shift_JIS'),
      Buffer.from('\r\nContent-Type: text/plain; charset=Shift_JIS\r\n\r\nx\r\n', 'latin1'),
    ]);
    expect((await parse(raw)).subject).toBe('予約の取消');
  });

  it('CR-only line endings (classic Mac files) still give headers', async () => {
    const m = await parse(read('email-autoreply/sisimai__mac-rfc3834-01.eml'));
    expect(m.from).toBeDefined();
    expect(m.repairs).toContain('cr-line-endings');
  });

  // mailparser never finished these (collect.ts, drainUnreadLastPart): each held a parse thread
  // until it was killed and was quarantined as MAIL_PARSE_TIMEOUT. Found by mutating corpus mails.
  it.each([
    [
      'an empty inline message/rfc822 part',
      'From: a@example.jp\r\nSubject: fwd\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n' +
        '--b\r\nContent-Disposition: inline\r\nContent-Type: message/rfc822\r\n\r\n--b--\r\n',
    ],
    [
      'an inline message/rfc822 mail cut off in its header block',
      'From: a@example.jp\r\nContent-Disposition: inline\r\nContent-Type: message/rfc822',
    ],
    [
      'corpus email-malformed/mime4j-mimetools__re-fwd.eml cut off after its fourth line',
      read('email-malformed/mime4j-mimetools__re-fwd.eml')
        .toString('latin1')
        .split('\r\n')
        .slice(0, 4)
        .join('\r\n'),
    ],
  ])('%s is parsed, not left hanging', async (_what, raw) => {
    const m = await parse(raw);
    expect(m.attachments.filter((a) => a.size > 0)).toEqual([]);
  });

  it('larger than the limit is refused before parsing (MAIL_TOO_LARGE)', async () => {
    await expect(
      parseMail(Buffer.alloc(2048, 0x61), { maxBytes: 1024, timeoutMs: 1000 }),
    ).rejects.toMatchObject({
      code: 'MAIL_TOO_LARGE',
    });
  });
});

describe('automated mail is recognised (RFC 3834, DSN, lists, carriers)', () => {
  for (const dir of ['email-autoreply', 'email-bounce-jp', 'email-report']) {
    const files = readdirSync(path.join(CORPUS, dir)).filter(
      (f) => f.endsWith('.eml') && f !== 'jpmobile__bounce_with_utf8_part.eml', // a forwarded mail, written by a person
    );
    it.each(files)(`${dir}/%s is automated`, async (f) => {
      expect(automatedKind(await parse(read(`${dir}/${f}`)), 'X-Madoguchi-Loop')).toBeDefined();
    });
  }
  it('Auto-Submitted: no is a person', async () => {
    const m = await parse('From: a@example.jp\r\nAuto-Submitted: no\r\nSubject: キャンセル\r\n\r\nx\r\n');
    expect(automatedKind(m, 'X-Madoguchi-Loop')).toBeUndefined();
  });
});

describe('unlabelled bytes', () => {
  it('a short Latin-1 word stays Latin-1 unless the mail declares a Japanese charset', () => {
    const sjisName = iconv.encode('履歴書', 'Shift_JIS');
    expect(guessBytes(sjisName, false)).toBe('履歴書');
    // 0x8A 0x41 is valid CP932 (one kanji) and also "ŠA" in Windows-1252.
    expect(guessBytes(Buffer.from([0x8a, 0x41]), false)).toBe('ŠA');
    expect(guessBytes(Buffer.from([0x8a, 0x41]), true)).not.toBe('ŠA');
  });
});
