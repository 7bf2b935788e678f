import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { isComplete, parseMail } from '../../src/inbound/parse.js';
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
});
