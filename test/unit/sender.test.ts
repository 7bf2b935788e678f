import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { senderTrust } from '../../src/inbound/auth-results.js';
import { automatedKind, bounceDetails } from '../../src/inbound/automated.js';
import { parseMail } from '../../src/inbound/parse.js';
import { CORPUS } from '../helpers/corpus.js';
import { dsnMail } from '../helpers/mail.js';

// Issue #13 parts 4 and 5: who the sender is, and whether a person wrote it at all.
const parse = (s: string | Buffer) =>
  parseMail(Buffer.isBuffer(s) ? s : Buffer.from(s.replace(/\n/g, '\r\n'), 'utf8'), { maxBytes: 40e6 });
const MX = 'mx.test.example';
const ar = (domain: string, from = domain) =>
  `Authentication-Results: ${MX}; spf=pass smtp.mailfrom=${domain}; dmarc=pass header.from=${from}`;
const trust = async (head: string) =>
  senderTrust(await parse(`${head}\nSubject: x\n\nキャンセルします\n`), [MX]);

describe('sender trust: only one verified mailbox is a seeker (issue #13 part 4)', () => {
  it('one mailbox under a trusted DMARC pass is verified', async () => {
    expect(await trust(`${ar('example.jp')}\nFrom: 山田 <seeker@example.jp>`)).toEqual({ verified: true });
  });
  it.each([
    ['two mailboxes (a stranger beside the seeker)', 'From: seeker@example.jp, other@attacker.example'],
    ['two with display names', 'From: "山田" <seeker@example.jp>, "x" <other@attacker.example>'],
    ['a group', 'From: team: seeker@example.jp, other@attacker.example;'],
    ['two From headers', 'From: seeker@example.jp\nFrom: other@attacker.example'],
    ['no addr-spec at all', 'From: seeker'],
    ['an empty From', 'From: '],
  ])('%s → not verified, whatever DMARC says', async (_name, from) => {
    const t = await trust(`${ar('example.jp')}\n${from}`);
    expect(t.verified).toBe(false);
  });
  it('header.from of another domain than the From → not verified', async () => {
    expect((await trust(`${ar('example.jp', 'attacker.example')}\nFrom: seeker@example.jp`)).verified).toBe(
      false,
    );
  });
  it('a forged Authentication-Results below the trusted one, or a foreign authserv-id → not verified', async () => {
    const fail = `Authentication-Results: ${MX}; dmarc=fail header.from=example.jp`;
    const forged = ar('example.jp');
    expect((await trust(`${fail}\n${forged}\nFrom: seeker@example.jp`)).verified).toBe(false);
    const foreign = 'Authentication-Results: mx.elsewhere.example; dmarc=pass header.from=example.jp';
    expect((await trust(`${foreign}\nFrom: seeker@example.jp`)).verified).toBe(false);
    expect((await trust('From: seeker@example.jp')).verified).toBe(false);
  });
});

describe('bounces are judged by content, not by a null Return-Path (issue #13 part 5)', () => {
  const kind = async (s: string | Buffer) => automatedKind(await parse(s), 'X-Madoguchi-Loop');

  it('an out-of-office with Return-Path: <> is automated, not a bounce', async () => {
    const ooo = 'Return-Path: <>\nFrom: staff@example.jp\nSubject: 不在のお知らせ\n\n12月5日まで不在です。\n';
    expect(await kind(ooo)).toBe('auto-reply');
    const plain = 'Return-Path: <>\nFrom: someone@example.jp\nSubject: hello\n\nお知らせです。\n';
    expect(await kind(plain)).toBe('auto-reply');
  });
  it.each([
    '【自動返信】Re: ご予約のご案内',
    '[自動応答] 明日のご相談',
    '＜不在通知＞',
    '【自動送信】応募を受け付けました',
  ])(
    'a subject with the word in brackets first, as Japanese systems write it (%s), is automated',
    async (subject) => {
      const m = `From: seeker@example.jp\nSubject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=\n\n明日の相談をキャンセルします。\n`;
      expect(await kind(m)).toBe('auto-reply');
    },
  );
  it('a mail system with a returned message or a failure text is a bounce', async () => {
    const text =
      'Return-Path: <>\nFrom: MAILER-DAEMON@mx.example.jp\nSubject: Notice\n\nThe following address had permanent fatal errors: user unknown\n';
    expect(await kind(text)).toBe('bounce');
  });

  const dirs = ['email-bounce', 'email-bounce-jp'];
  // Written by people (sisimai's "not a bounce" sample, a forwarded newsletter): not bounces.
  const people = new Set(['sisimai__not-is-not-bounce-01.eml', 'jpmobile__bounce_with_utf8_part.eml']);
  for (const dir of dirs) {
    const files = readdirSync(path.join(CORPUS, dir)).filter((f) => f.endsWith('.eml') && !people.has(f));
    it.each(files)(`${dir}/%s is a bounce`, async (f) => {
      expect(await kind(readFileSync(path.join(CORPUS, dir, f)))).toBe('bounce');
    });
  }
  it.each(readdirSync(path.join(CORPUS, 'email-autoreply')))(
    'email-autoreply/%s is an auto-reply, not a bounce',
    async (f) => {
      expect(await kind(readFileSync(path.join(CORPUS, 'email-autoreply', f)))).toBe('auto-reply');
    },
  );
});

describe('a DSN flags only the recipients it reports failed (RFC 3464 §2.3.3 Action)', () => {
  const details = async (raw: Buffer) => bounceDetails(await parse(raw), raw, 'madoguchi.localhost');
  const corpus = (f: string) => readFileSync(path.join(CORPUS, 'email-bounce', f));

  it.each(['sisimai__rfc3464-07.eml', 'mailgem__report_422.eml'])(
    'a delay notice (Action: delayed), %s: no address flagged, no send marked failed',
    async (f) => {
      expect(await details(corpus(f))).toEqual({ ourMessageIds: [], recipients: [] });
    },
  );

  it('a failure in the corpus still flags its recipient', async () => {
    expect((await details(corpus('jpmobile__bounced-jp.eml'))).recipients).toHaveLength(1);
  });

  it('one report, three recipients: failed, delayed, and one with only a 5.x.x Status (folded)', async () => {
    const dsn = Buffer.from(
      dsnMail(
        [
          ['Final-Recipient: rfc822; gone@example.jp', 'Action: failed', 'Status: 5.1.1'],
          ['Final-Recipient: rfc822; slow@example.jp', 'Action: delayed', 'Status: 4.4.1'],
          ['Final-Recipient: rfc822;', ' nobody@example.jp', 'Status: 5.1.1'],
        ],
        '<inv-1@madoguchi.localhost>',
      ),
    );
    expect(await details(dsn)).toEqual({
      ourMessageIds: ['<inv-1@madoguchi.localhost>'],
      recipients: ['gone@example.jp', 'nobody@example.jp'],
    });
  });
});
