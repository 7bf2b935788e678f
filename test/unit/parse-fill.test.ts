import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { fillSkimmed, isComplete, parseMail } from '../../src/inbound/parse.js';
import { parseThreads } from '../../src/inbound/parse-threads.js';
import { stores } from '../../src/storage/encrypted-store.js';
import { mail } from '../helpers/mail.js';

// Documents for staff (handle.ts): the mail is parsed skimmed, then only its files are read from
// where the skim left them (fillSkimmed), in a parse thread under the same limits as a parse.
const base = loadConfig({
  env: {
    MADOGUCHI_STORAGE_KEY: randomBytes(32).toString('base64'),
    MADOGUCHI_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'fill-')),
  },
});
const config = { ...base, inbound: { ...base.inbound, parseThreads: 1, parseTimeoutMs: 2000 } };
const threads = parseThreads(config);
afterAll(() => threads.close());

const pdf = `%PDF-1.4\n${randomBytes(768 * 1024).toString('hex')}`; // 1.5 MB, 2 MB in base64
const raw = Buffer.from(
  mail({ from: 'a@example.jp', subject: '履歴書', part: ['application/pdf; name="r.pdf"', pdf] }),
);

describe('a skimmed mail filled in a parse thread', () => {
  it('gives the whole parse, its bytes carried across the thread both ways', async () => {
    const hash = await stores(config).spool.putBuffer(raw);
    const lite = await threads.parse(hash, { skim: true, spill: false });
    expect(isComplete(lite)).toBe(false);
    const filled = await threads.parse(hash, { fill: lite, spill: false });
    expect(filled).toEqual(await parseMail(raw, { maxBytes: raw.length }, { hash }));
    expect(filled.attachments.find((a) => a.filename === 'r.pdf')?.content.toString()).toBe(pdf);
  });

  it('is stopped at inbound.parseTimeoutMs like a parse (MAIL_PARSE_TIMEOUT)', async () => {
    const hash = await stores(config).spool.putBuffer(raw);
    const lite = await threads.parse(hash, { skim: true, spill: false });
    // A thousand files to read, each 1.5 MB: seconds of work against a 2 s limit.
    const part = lite.attachments.find((a) => a.skimmed)!;
    const many = { ...lite, attachments: Array.from({ length: 1000 }, () => part) };
    await expect(threads.parse(hash, { fill: many, spill: false })).rejects.toMatchObject({
      code: 'MAIL_PARSE_TIMEOUT',
    });
    // A fresh thread takes the next task.
    expect(isComplete(await threads.parse(hash, { fill: lite, spill: false }))).toBe(true);
  });

  it('ends the thread after a mail over 8 MB (V8 would keep the heap it grew), not after a small one', async () => {
    const big = `%PDF-1.4\n${randomBytes(4.5 * 1024 * 1024).toString('hex')}`; // 9 MB
    const bigRaw = Buffer.from(
      mail({ from: 'a@example.jp', subject: '履歴書', part: ['application/pdf; name="r.pdf"', big] }),
    );
    const small = await stores(config).spool.putBuffer(raw);
    await threads.parse(small, { skim: true, spill: false });
    expect(threads.threads).toBe(1);
    const hash = await stores(config).spool.putBuffer(bigRaw);
    const lite = await threads.parse(hash, { skim: true });
    expect(threads.threads).toBe(0);
    const filled = await threads.parse(hash, { fill: lite });
    expect(threads.threads).toBe(0);
    const a = filled.attachments.find((x) => x.filename === 'r.pdf')!;
    expect((await stores(config).documents.get(a.blob!)).toString()).toBe(big);
    expect((await threads.parse(small, { skim: true, spill: false })).subject).toBe('履歴書');
    expect(threads.threads).toBe(1);
  });
});

// Over 8 MB a file goes to the document store while it is decoded (base64Slices), never held
// whole; the result must still be what a whole parse gives, which spills the same file as it reads.
describe('a skimmed file over 8 MB, filled into the document store', () => {
  const limits = { maxBytes: 64 * 1024 * 1024 };
  const { documents } = stores(config);
  const fileMail = (file: string) =>
    Buffer.from(
      mail({ from: 'a@example.jp', subject: '履歴書', part: ['application/pdf; name="r.pdf"', file] }),
    );
  const filledAndWhole = async (raw: Buffer) => {
    const lite = await parseMail(raw, limits, { skimAbove: 1024 * 1024 });
    expect(isComplete(lite)).toBe(false);
    const whole = await parseMail(raw, limits, { spillTo: documents });
    return { filled: await fillSkimmed(raw, lite, limits, documents), whole };
  };

  it('is stored by its hash with its first 64 KB in memory, as the whole parse stores it', async () => {
    const file = `%PDF-1.4\n${randomBytes(4.5 * 1024 * 1024).toString('hex')}`; // 9 MB
    const { filled, whole } = await filledAndWhole(fileMail(file));
    const a = filled.attachments.find((x) => x.filename === 'r.pdf')!;
    expect(a.blob).toBeDefined();
    expect(a.content.length).toBe(64 * 1024);
    expect(filled).toEqual(whole);
    expect((await documents.get(a.blob!)).toString()).toBe(file);
  });

  it('is held in memory when its body only looked larger than 8 MB (line breaks counted)', async () => {
    const file = randomBytes(4 * 1024 * 1024).toString('hex'); // exactly 8 MB: not over the line
    const { filled, whole } = await filledAndWhole(fileMail(file));
    const i = filled.attachments.findIndex((x) => x.filename === 'r.pdf');
    const [a, w] = [filled.attachments[i]!, whole.attachments[i]!];
    expect(a.blob).toBeUndefined();
    expect(a.content.equals(Buffer.from(file))).toBe(true);
    // toEqual walks a Buffer byte by byte (minutes for 8 MB): the bytes are compared above.
    expect(w.content.equals(a.content)).toBe(true);
    expect({ ...a, content: 0 }).toEqual({ ...w, content: 0 });
    expect({ ...filled, attachments: [] }).toEqual({ ...whole, attachments: [] });
  });
});
