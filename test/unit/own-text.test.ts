import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { detectIntent } from '../../src/inbound/intent.js';
import { intentWords } from '../../src/intent/words.js';
import { parsedMail } from '../helpers/mail.js';

// Seekers paste our own mails back without quote marks ("以下の予約で合っていますか" + the whole
// confirmation), and phones' reply editors drop the "> ". Our text holds キャンセル, 当日, 障がい…:
// read as the sender's own words, it must never cancel, refer or answer by itself.
const config = loadConfig({ env: { MADOGUCHI_STORAGE_KEY: Buffer.alloc(32).toString('base64') } });
const words = intentWords(config);
const DIR = path.join(import.meta.dirname, '../../templates');
const texts = readdirSync(DIR, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.txt'))
  .map((f) => [f, readFileSync(path.join(DIR, f), 'utf8')] as const);

const render = (t: string) =>
  t
    .replace(/\{\{\s*referralText\s*\}\}/g, config.booking.referralText)
    .replace(/\{\{\s*when\s*\}\}/g, '12月10日(木) 10:00')
    .replace(/\{\{[#/^][^}]*\}\}/g, '')
    .replace(/\{\{[^}]+\}\}/g, 'ハローワーク');

const mail = (text: string) => parsedMail({ text });

describe('our own mails pasted back unquoted never act', () => {
  it('finds the templates', () => expect(texts.length).toBeGreaterThanOrEqual(20));
  it.each(texts)('%s', (_f, t) => {
    const kind = detectIntent(mail(`ありがとうございます。\n${render(t)}`), words).kind;
    expect(['cancel', 'out-of-scope', 'documents', 'booking-request']).not.toContain(kind);
  });
});
