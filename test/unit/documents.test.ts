import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import iconv from 'iconv-lite';
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { checkParts } from '../../src/documents/checks.js';
import { safeFilename } from '../../src/documents/filename.js';
import { documentKind, pdfText, seekerNumberIn } from '../../src/documents/pdf-text.js';
import { candidateParts } from '../../src/documents/verdict.js';
import type { InboundPart } from '../../src/inbound/parse.js';
import { parseMail } from '../../src/inbound/parse.js';
import { CORPUS } from '../helpers/corpus.js';
import { japanesePdf } from '../helpers/pdf.js';
import { makeZip } from '../helpers/zip.js';

const cfg0 = loadConfig({ env: { MADOGUCHI_STORAGE_KEY: Buffer.alloc(32).toString('base64') } });
const cfg = cfg0.documents;
const part = (filename: string, content: Buffer, contentType = 'application/octet-stream'): InboundPart => ({
  filename,
  contentType,
  content,
  size: content.length,
  sha256: '',
  inline: false,
});
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
const check = async (p: InboundPart) => (await checkParts([p], cfg))[0]!;
const xlsx = (extra: string[] = []) =>
  makeZip(
    ['[Content_Types].xml', 'xl/workbook.xml', ...extra].map((name) => ({ name, data: Buffer.from('<x/>') })),
  );

describe('documents: allowed by what they are, refused with the reason (D1, P5)', () => {
  it('a PDF, a JPEG, a PNG, a .docx and plain text are accepted', async () => {
    expect((await check(part('履歴書.pdf', PDF))).refused).toBeUndefined();
    expect((await check(part('photo.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])))).kind).toBe(
      'jpeg',
    );
    const docx = makeZip(
      ['[Content_Types].xml', 'word/document.xml'].map((name) => ({ name, data: Buffer.from('<x/>') })),
    );
    expect(await check(part('職務経歴書.docx', docx))).toMatchObject({ kind: 'docx', refused: undefined });
    expect(await check(part('memo.txt', Buffer.from('よろしくお願いします')))).toMatchObject({
      kind: 'text',
      refused: undefined,
    });
  });

  it('hostile names: path traversal becomes a basename; control and bidi characters go', () => {
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('..\\..\\Windows\\system32\\evil.pdf')).toBe('evil.pdf');
    expect(safeFilename('履歴書\u202Efdp.exe')).toBe('履歴書fdp.exe');
    expect(safeFilename('a\u0000b\u0007.pdf')).toBe('ab.pdf');
    expect(safeFilename(`${'長'.repeat(300)}.pdf`)).toMatch(/^長{96}\.pdf$/);
    expect(safeFilename('')).toBe('document');
  });

  it('an RTL-override .exe is refused (its bytes are a program, whatever the name shows)', async () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]);
    expect(await check(part('履歴書\u202Efdp.exe', exe))).toMatchObject({
      kind: 'exe',
      refused: 'type-not-allowed',
      filename: '履歴書fdp.exe',
    });
  });

  it('an HTML file named .pdf is refused', async () => {
    expect(
      await check(part('resume.pdf', Buffer.from('<!DOCTYPE html><html><script>x()</script>'))),
    ).toMatchObject({
      kind: 'html',
      refused: 'type-not-allowed',
    });
  });

  it('a PDF named .jpg is a name/content mismatch', async () => {
    expect((await check(part('photo.jpg', PDF))).refused).toBe('name-content-mismatch');
  });

  it('a macro-enabled workbook is refused, whether named .xlsm or .xlsx', async () => {
    expect((await check(part('book.xlsm', xlsx(['xl/vbaProject.bin'])))).refused).toBe('macro-enabled');
    expect((await check(part('book.xlsx', xlsx(['xl/vbaProject.bin'])))).refused).toBe('macro-enabled');
    expect((await check(part('book.xlsx', xlsx()))).refused).toBeUndefined();
  });

  it('an encrypted zip (PPAP) is refused', async () => {
    const z = makeZip([{ name: 'rirekisho.pdf', data: PDF, encrypted: true }]);
    expect((await check(part('書類.zip', z))).refused).toBe('zip-encrypted');
  });

  it('a zip bomb is refused: by ratio, and when its directory lies about sizes', async () => {
    const zeros = Buffer.alloc(20 * 1024 * 1024);
    expect(
      (await check(part('bomb.zip', makeZip([{ name: 'a.txt', data: zeros, deflate: true }])))).refused,
    ).toBe('zip-bomb');
    const liar = makeZip([
      { name: 'a.txt', data: Buffer.alloc(2 * 1024 * 1024), deflate: true, claimSize: 100 },
    ]);
    expect(['zip-bomb', 'zip-broken']).toContain((await check(part('liar.zip', liar))).refused);
  });

  it('a zip inside a zip is refused; a plain zip of PDFs lists its CP932 names', async () => {
    const inner = makeZip([{ name: 'a.pdf', data: PDF }]);
    expect((await check(part('nest.zip', makeZip([{ name: 'inner.zip', data: inner }])))).refused).toBe(
      'zip-nested',
    );
    const sjisName = iconv.encode('履歴書.pdf', 'Shift_JIS');
    const ok = await check(part('書類.zip', makeZip([{ name: sjisName, data: PDF }])));
    expect(ok.refused).toBeUndefined();
    expect(ok.entries?.map((e) => e.name)).toEqual(['履歴書.pdf']);
  });

  it('a file over the per-file cap is refused; TNEF asks for a resend', async () => {
    expect(
      (
        await checkParts([part('big.pdf', Buffer.concat([PDF, Buffer.alloc(1100)]))], {
          ...cfg,
          maxFileBytes: 1024,
        })
      )[0]!.refused,
    ).toBe('file-too-large');
    expect((await check(part('winmail.dat', Buffer.from('x'), 'application/ms-tnef'))).refused).toBe(
      'tnef-resend',
    );
  });

  it('clamd configured but unreachable: every file refused (fail closed)', async () => {
    const [c] = await checkParts([part('a.pdf', PDF)], { ...cfg, clamd: { host: '127.0.0.1', port: 1 } });
    expect(c!.refused).toBe('scan-unavailable');
  });

  const PDFS = path.resolve(__dirname, '../fixtures/corpus-pdf');
  const pdfs = readdirSync(PDFS, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.pdf'));
  it.each(pdfs)('corpus %s ends accepted or refused with a reason, no crash', async (f) => {
    const c = await check(part(path.basename(f), readFileSync(path.join(PDFS, f))));
    expect(c.refused === undefined || typeof c.refused === 'string').toBe(true);
  });
});

describe('candidate documents (D1)', () => {
  const lines = (...l: string[]) => l.join('\r\n');
  const pdfPart = (b: string, name: string) =>
    lines(
      `--${b}`,
      `Content-Type: application/pdf; name="${name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      PDF.toString('base64'),
    );
  const message = (b: string, subject: string, ...parts: string[]) =>
    lines(
      `Subject: ${subject}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${b}"`,
      '',
      ...parts,
      `--${b}--`,
      '',
    );

  it("a forwarded message's files count, one level down; a message forwarded in it is not opened", async () => {
    const innermost = message('i2', 'innermost', pdfPart('i2', 'deep.pdf'));
    const inner = message(
      'i1',
      'forwarded',
      pdfPart('i1', '職務経歴書.pdf'),
      lines('--i1', 'Content-Type: message/rfc822', '', innermost),
    );
    const raw = Buffer.from(
      message(
        'o',
        'fwd',
        pdfPart('o', '履歴書.pdf'),
        lines('--o', 'Content-Type: message/rfc822', '', inner),
      ),
    );
    const m = await parseMail(raw, { maxBytes: 40e6, timeoutMs: 10_000 });
    expect(candidateParts(m).map((p) => p.filename)).toEqual(['履歴書.pdf', '職務経歴書.pdf']);
    expect(candidateParts(m)[1]!.content.equals(PDF)).toBe(true);
  });
});

describe('PDF text off the main thread (pdf-parse 2 with pdfjs-dist CMaps)', () => {
  it('Japanese text in a CID font is read only with the CMaps: 履歴書 and the seeker number', async () => {
    const pdf = japanesePdf('履歴書 01020-12345678');
    const r = await pdfText(pdf);
    expect(r).toMatchObject({ ok: true, pages: 1 });
    const text = r.ok ? r.text : '';
    expect(documentKind(text)).toBe('履歴書');
    expect(seekerNumberIn(text)).toBe('01020-12345678');
    // The trap: without cMapUrl pdf-parse returns no text at all, and no error.
    const bare = new PDFParse({ data: new Uint8Array(pdf), verbosity: 0 });
    expect((await bare.getText()).text).not.toContain('履歴書');
    await bare.destroy();
  });

  it('encrypted and broken PDFs are results for staff, not errors', async () => {
    const dir = path.resolve(__dirname, '../fixtures/corpus-pdf');
    expect(await pdfText(readFileSync(path.join(dir, 'pdf-encrypted/pdfjs__issue6010_1.pdf')))).toMatchObject(
      { ok: false, kind: 'encrypted' },
    );
    expect(
      await pdfText(readFileSync(path.join(dir, 'pdf-broken-structure/pdfjs__bug1020226.pdf'))),
    ).toMatchObject({ ok: false, kind: 'broken' });
    expect(await pdfText(Buffer.from('%PDF-1.4 garbage'))).toMatchObject({ ok: false });
  });

  it('a runaway extraction is stopped by the time limit', async () => {
    const r = await pdfText(japanesePdf('x'), { timeoutMs: 1 });
    expect(r).toMatchObject({ ok: false, kind: 'timeout' });
  });
});

describe('corpus: every file ends accepted or refused with a reason (no crash, no hang)', () => {
  const PDFS = path.resolve(__dirname, '../fixtures/corpus-pdf');
  const mails = ['email-attachment', 'email-tnef', 'email-japanese'].flatMap((d) =>
    readdirSync(path.join(CORPUS, d)).map((f) => path.join(d, f)),
  );
  it.each(mails)('%s', async (f) => {
    const raw = readFileSync(path.join(CORPUS, f));
    // .tnef files are bare winmail.dat payloads: as a seeker's Outlook would attach them.
    const parts = f.endsWith('.tnef')
      ? [part('winmail.dat', raw, 'application/ms-tnef')]
      : candidateParts(await parseMail(raw, { maxBytes: 40e6, timeoutMs: 10_000 }));
    for (const c of await checkParts(parts, cfg)) {
      expect(c.refused === undefined || typeof c.refused === 'string').toBe(true);
      if (!c.refused && c.kind === 'pdf')
        expect((await pdfText(c.content, { timeoutMs: 10_000 })).ok !== undefined).toBe(true);
    }
  });

  const pdfs = readdirSync(PDFS, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.pdf'));
  it.each(pdfs)('%s: text extracted or flagged (encrypted, broken, timeout)', async (f) => {
    const r = await pdfText(readFileSync(path.join(PDFS, f)), { timeoutMs: 10_000 });
    expect(r.ok || ['encrypted', 'broken', 'timeout', 'too-much-memory'].includes(r.kind)).toBe(true);
  });
});

describe('clamd INSTREAM (a fake clamd speaking the protocol)', () => {
  it('clean files pass, an EICAR-like file is refused as a virus', async () => {
    const server = net.createServer((sock) => {
      let data = Buffer.alloc(0);
      sock.on('data', (d) => {
        data = Buffer.concat([data, d]);
        if (data.subarray(-4).equals(Buffer.alloc(4))) {
          sock.end(
            data.includes(Buffer.from('EICAR')) ? 'stream: Eicar-Test-Signature FOUND\0' : 'stream: OK\0',
          );
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const withClamd = { ...cfg, clamd: { host: '127.0.0.1', port } };
      const [clean, bad] = await checkParts(
        [
          part('a.pdf', PDF),
          part('b.pdf', Buffer.concat([PDF, Buffer.from('EICAR-STANDARD-ANTIVIRUS-TEST-FILE')])),
        ],
        withClamd,
      );
      expect(clean!.refused).toBeUndefined();
      expect(bad!.refused).toBe('virus');
    } finally {
      server.close();
    }
  });
});
