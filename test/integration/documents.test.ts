import { createDecipheriv, createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeDocuments } from '../../src/documents/purge.js';
import { type DocumentRecord, DocumentStore } from '../../src/documents/store.js';
import { inboundDeps } from '../../src/inbound/deps.js';
import { appendRaw } from '../helpers/imap.js';
import {
  type InboundStack,
  inboundStack,
  openDay,
  seekerWithBooking,
  waitHandled,
} from '../helpers/inbound.js';
import { TRUSTED_MX } from '../helpers/mail.js';
import { japanesePdf } from '../helpers/pdf.js';
import { madePdf } from '../helpers/pdf-active.js';
import { runCli } from '../helpers/processes.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const l = (s: string) => Buffer.from(s, 'latin1');
const b64 = (b: Buffer) => b.toString('base64').replace(/(.{76})/g, '$1\r\n');

/** A seeker's mail with attachments whose Content-Disposition parameters are given as bytes. */
function docMail(
  from: string,
  files: Array<{ params: Buffer; type: string; data: Buffer }>,
  dmarc = true,
  text = '履歴書を送ります。よろしくお願いします。',
) {
  const id = `<docs-${Math.random().toString(36).slice(2)}@example.jp>`;
  const parts: Buffer[] = [
    l(dmarc ? `Authentication-Results: ${TRUSTED_MX}; dmarc=pass header.from=example.jp\r\n` : ''),
    l(
      `From: ${from}\r\nTo: consult@madoguchi.localhost\r\nSubject: =?UTF-8?B?${Buffer.from('書類の送付').toString('base64')}?=\r\n`,
    ),
    l(`Message-ID: ${id}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="D"\r\n\r\n`),
    l('--D\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n'),
    l(`${b64(Buffer.from(text))}\r\n`),
  ];
  for (const f of files)
    parts.push(
      l(
        `--D\r\nContent-Type: ${f.type}\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; `,
      ),
      f.params,
      l(`\r\n\r\n${b64(f.data)}\r\n`),
    );
  parts.push(l('--D--\r\n'));
  return { raw: Buffer.concat(parts), id };
}

const PDF = japanesePdf('履歴書 01020-11112222');
const NAME = '履歴書.pdf';
const variants = {
  rfc2231: l(`filename*=UTF-8''${encodeURIComponent(NAME)}`),
  encodedWord: l(`filename="=?UTF-8?B?${Buffer.from(NAME).toString('base64')}?="`),
  rawShiftJis: Buffer.concat([l('filename="'), iconv.encode(NAME, 'Shift_JIS'), l('"')]),
};

describe('documents reach the assigned staff member intact, and nobody else (D1, D2, P5)', () => {
  let s: InboundStack;
  let staffEmail: string;
  beforeAll(async () => {
    s = await inboundStack('box12');
    ({ staffEmail } = await seekerWithBooking(
      s.svc,
      'docs@example.jp',
      `${openDay(s.ctx, 7).toISODate()}T14:00`,
      '01020-11112222',
    ));
  });
  afterAll(() => s.stop());

  it.each(Object.entries(variants))(
    '履歴書.pdf sent as %s: forwarded byte-identical with its name, acknowledged',
    async (_v, params) => {
      const before = s.sink.messages.length;
      const exe = {
        params: l('filename="resume\u202Efdp.exe"'.replace('\u202E', '')),
        type: 'application/octet-stream',
        data: Buffer.concat([l('MZ'), Buffer.alloc(64)]),
      };
      const m = docMail('docs@example.jp', [{ params, type: 'application/pdf', data: PDF }, exe]);
      await appendRaw('box12', 'INBOX', m.raw);
      expect(await waitHandled('box12', m.id)).toBe('Processed');
      const fresh = (x: { raw: Buffer }) => s.sink.messages.indexOf(x as never) >= before;
      const toStaff = await s.sink.waitFor(
        (x) => fresh(x) && x.to.includes(staffEmail) && x.raw.includes('X-Madoguchi-Loop: docs-'),
      );
      const parsed = await simpleParser(toStaff.raw);
      expect(parsed.attachments.map((a) => a.filename)).toEqual([NAME]);
      expect(sha(parsed.attachments[0]!.content)).toBe(sha(PDF));
      expect(parsed.text).toContain(`${NAME}（履歴書、1ページ）`);
      expect(parsed.text).toContain('受付不可');
      const ack = await s.sink.waitFor(
        (x) => fresh(x) && x.to.includes('docs@example.jp') && x.raw.includes('X-Madoguchi-Loop: reply-'),
      );
      const ackText = (await simpleParser(ack.raw)).text ?? '';
      expect(ackText).toContain(`・${NAME}（履歴書）`);
      expect(ackText).toMatch(/resumefdp\.exe：受け付けていない種類のファイルです/);
    },
  );

  it('stored blobs are unreadable without the key; the same file three times is stored once', async () => {
    const dir = path.join(s.ctx.config.dataDir, 'documents');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.enc'));
    expect(files).toHaveLength(1);
    const stored = readFileSync(path.join(dir, files[0]!));
    expect(stored.includes(l('%PDF'))).toBe(false);
    expect(stored.includes(Buffer.from('履歴書'))).toBe(false);
    const wrong = createDecipheriv('aes-256-gcm', Buffer.alloc(32, 1), stored.subarray(0, 12));
    wrong.setAuthTag(stored.subarray(stored.length - 16));
    expect(() =>
      Buffer.concat([wrong.update(stored.subarray(12, stored.length - 16)), wrong.final()]),
    ).toThrow();
  });

  it('documents --staff, get (byte-identical, recorded), reviewed', async () => {
    const list = await runCli(['documents', '--staff', staffEmail, '--json'], s.env);
    expect(list.code, list.err).toBe(0);
    const docs = JSON.parse(list.out) as Array<{
      id: string;
      docKind: string;
      seekerNumberMatches?: boolean;
    }>;
    expect(docs).toHaveLength(3);
    expect(docs.every((d) => d.docKind === '履歴書' && d.seekerNumberMatches === true)).toBe(true);
    const out = path.join(s.ctx.config.dataDir, 'out.pdf');
    const got = await runCli(['documents', 'get', docs[0]!.id, '--out', out, '--actor', 'staff1'], s.env);
    expect(got.code, got.err).toBe(0);
    expect(sha(readFileSync(out))).toBe(sha(PDF));
    expect(
      (await s.store.auditEntries()).some((e) => e.action === 'document-read' && e.document === docs[0]!.id),
    ).toBe(true);
    expect((await runCli(['documents', 'reviewed', docs[0]!.id], s.env)).code).toBe(0);
    const after = JSON.parse((await runCli(['documents', '--staff', staffEmail, '--json'], s.env)).out);
    expect(after).toHaveLength(2);
  });

  it('a 12 MB PDF streams into the store while parsing and still reaches staff byte-identical', {
    timeout: 60_000,
  }, async () => {
    const before = s.sink.messages.length;
    const bigPdf = Buffer.concat([PDF, Buffer.alloc(12 * 1024 * 1024, 0x20)]);
    const m = docMail('docs@example.jp', [
      { params: l('filename="scan.pdf"'), type: 'application/pdf', data: bigPdf },
    ]);
    await appendRaw('box12', 'INBOX', m.raw);
    expect(await waitHandled('box12', m.id, 30_000)).toBe('Processed');
    const toStaff = await s.sink.waitFor(
      (x) =>
        s.sink.messages.indexOf(x) >= before &&
        x.to.includes(staffEmail) &&
        x.raw.includes('X-Madoguchi-Loop: docs-'),
      30_000,
    );
    const parsed = await simpleParser(toStaff.raw);
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['scan.pdf']);
    expect(sha(parsed.attachments[0]!.content)).toBe(sha(bigPdf));
  });

  it('P4 retention: past documents.retentionDays after the consultation, records and blob are deleted', async () => {
    const deps = inboundDeps(s.ctx);
    try {
      expect(await purgeDocuments(deps)).toBe(0); // nothing is due yet
      const later = Date.now() + (s.ctx.config.documents.retentionDays + 30) * 86_400_000;
      expect(await purgeDocuments(deps, later)).toBe(4);
      const dir = path.join(s.ctx.config.dataDir, 'documents');
      expect(
        readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.enc')),
      ).toEqual([]);
      expect((await s.store.auditEntries()).filter((e) => e.action === 'document-purged')).toHaveLength(4);
    } finally {
      await deps.svc.close();
    }
  });

  it('documents from an unverified sender go to staff triage, never to a staff inbox', async () => {
    const before = s.sink.messages.length;
    const m = docMail(
      'docs@example.jp',
      [{ params: variants.rfc2231, type: 'application/pdf', data: PDF }],
      false,
    );
    await appendRaw('box12', 'INBOX', m.raw);
    await waitHandled('box12', m.id);
    await new Promise((r) => setTimeout(r, 800));
    expect(s.sink.messages.slice(before)).toHaveLength(0);
    expect((await s.store.auditEntries()).at(-1)).toMatchObject({ rule: 'D1', action: 'staff-triage' });
  });

  it('a 30 MB mail is quarantined as MAIL_TOO_LARGE, by its IMAP size, without being downloaded', {
    timeout: 60_000,
  }, async () => {
    const big = docMail('docs@example.jp', [
      {
        params: l('filename="big.pdf"'),
        type: 'application/pdf',
        data: Buffer.concat([PDF, Buffer.alloc(30 * 1024 * 1024, 0x41)]),
      },
    ]);
    expect(big.raw.length).toBeGreaterThan(s.ctx.config.inbound.maxMailBytes);
    await appendRaw('box12', 'INBOX', big.raw);
    expect(await waitHandled('box12', big.id, 30_000)).toBe('Quarantine');
    expect((await s.store.quarantined()).some((q) => q.reason === 'MAIL_TOO_LARGE')).toBe(true);
    const spool = path.join(s.ctx.config.dataDir, 'spool');
    const sizes = readdirSync(spool, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.enc'))
      .map((f) => readFileSync(path.join(spool, f)).length);
    expect(Math.max(...sizes)).toBeLessThan(s.ctx.config.inbound.maxMailBytes);
  });

  it('the same mail delivered twice is forwarded once', async () => {
    const before = s.sink.messages.length;
    const m = docMail('docs@example.jp', [{ params: variants.rfc2231, type: 'application/pdf', data: PDF }]);
    await appendRaw('box12', 'INBOX', m.raw);
    await appendRaw('box12', 'INBOX', m.raw);
    await waitHandled('box12', m.id);
    await new Promise((r) => setTimeout(r, 1500));
    expect(s.sink.messages.slice(before).filter((x) => x.to.includes(staffEmail))).toHaveLength(1);
  });

  it('P4: a record written just before a crash is indexed by the retry (staff queue, purge schedule)', async () => {
    const docs = new DocumentStore(s.ctx.redis, s.ctx.config.connections.redisPrefix);
    const d: DocumentRecord = {
      id: 'doc-crash-1',
      mail: 'm',
      sha256: 'a'.repeat(64),
      filename: 'a.pdf',
      originalName: 'a.pdf',
      contentType: 'application/pdf',
      kind: 'pdf',
      docKind: 'other',
      size: 1,
      staffId: 'staff-crash',
      bookingId: 'b',
      seekerId: 's',
      status: 'new',
      createdAt: new Date().toISOString(),
      purgeAfter: new Date(Date.now() + 86_400_000).toISOString(),
    };
    // The crash came after the record and before its indexes.
    await s.ctx.redis.set(`${s.ctx.config.connections.redisPrefix}:doc:${d.id}`, JSON.stringify(d));
    expect(await docs.put(d)).toBe(false);
    expect((await docs.forStaff('staff-crash')).map((x) => x.id)).toEqual([d.id]);
    expect(await docs.due(Date.parse(d.purgeAfter))).toContain(d.id);
  });

  it('a question sent with the files is not lost: the files go to staff, the mail to triage too', async () => {
    const before = s.sink.messages.length;
    const triaged = await s.store.triageCount();
    const text = '履歴書を送ります。あわせて、相談の時間を変更できますか。';
    const m = docMail(
      'docs@example.jp',
      [{ params: variants.rfc2231, type: 'application/pdf', data: PDF }],
      true,
      text,
    );
    await appendRaw('box12', 'INBOX', m.raw);
    expect(await waitHandled('box12', m.id)).toBe('Processed');
    await s.sink.waitFor(
      (x) =>
        s.sink.messages.indexOf(x) >= before &&
        x.to.includes(staffEmail) &&
        x.raw.includes('X-Madoguchi-Loop: docs-'),
    );
    expect(await s.store.triageCount()).toBe(triaged + 1);
  });
});

describe('issue #13: documents that can hurt staff are held back', () => {
  let s: InboundStack;
  let staffEmail: string;
  beforeAll(async () => {
    s = await inboundStack('box17');
    ({ staffEmail } = await seekerWithBooking(
      s.svc,
      'pdfs@example.jp',
      `${openDay(s.ctx, 7).toISODate()}T15:00`,
    ));
  });
  afterAll(() => s.stop());

  it('a PDF with JavaScript and a password-locked one never reach staff; the seeker is told why', async () => {
    const before = s.sink.messages.length;
    const m = docMail('pdfs@example.jp', [
      { params: l('filename="rirekisho.pdf"'), type: 'application/pdf', data: PDF },
      { params: l('filename="script.pdf"'), type: 'application/pdf', data: await madePdf('openaction-js') },
      { params: l('filename="locked.pdf"'), type: 'application/pdf', data: await madePdf('user-password') },
    ]);
    await appendRaw('box17', 'INBOX', m.raw);
    expect(await waitHandled('box17', m.id)).toBe('Processed');
    const fresh = (x: { raw: Buffer }) => s.sink.messages.indexOf(x as never) >= before;
    const toStaff = await s.sink.waitFor(
      (x) => fresh(x) && x.to.includes(staffEmail) && x.raw.includes('X-Madoguchi-Loop: docs-'),
    );
    const parsed = await simpleParser(toStaff.raw);
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['rirekisho.pdf']);
    const ack = await s.sink.waitFor(
      (x) => fresh(x) && x.to.includes('pdfs@example.jp') && x.raw.includes('X-Madoguchi-Loop: reply-'),
    );
    const ackText = (await simpleParser(ack.raw)).text ?? '';
    expect(ackText).toContain('script.pdf：プログラム（JavaScript）を含むPDFは受け付けていません');
    expect(ackText).toContain('locked.pdf：パスワード付きのPDFは開けません');
  });
});
