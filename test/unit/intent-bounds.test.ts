import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { detectIntent } from '../../src/inbound/intent.js';
import type { Token } from '../../src/intent/tokenizer.js';
import { tokenize } from '../../src/intent/tokenizer.js';
import { intentWords } from '../../src/intent/words.js';
import { parsedMail } from '../helpers/mail.js';

// The reader's bounds: junk that is no sentence, or a flood of sentences, is never acted on, and
// the analyser's work per mail is bounded (a hostile corpus mail held 570 KB of symbols).
const words = intentWords(
  loadConfig({ env: { MADOGUCHI_STORAGE_KEY: Buffer.alloc(32).toString('base64') } }),
);
const mail = (text: string) => parsedMail({ messageId: undefined, from: 'a@example.jp', text });

describe('intent reading is bounded', () => {
  it('a 100 KB "sentence" holding a keyword is not read: staff triage, no action', () => {
    let calls = 0;
    const counting = (t: string): Token[] => {
      calls++;
      return tokenize(t);
    };
    const junk = `${'{**}<>'.repeat(10_000)} disabilities ${'予約をキャンセルします'.repeat(5_000)}`;
    expect(detectIntent(mail(junk), words, counting)).toMatchObject({ kind: 'unsure', rule: 'triage' });
    expect(calls).toBe(0);
  });
  it('at most 50 sentences are analysed in one mail', () => {
    let calls = 0;
    const counting = (t: string): Token[] => {
      calls++;
      return tokenize(t);
    };
    const flood = Array.from({ length: 5_000 }, (_, i) => `${i}日の予約について質問があります。`).join('\n');
    expect(detectIntent(mail(flood), words, counting).kind).toBe('unsure');
    expect(calls).toBeLessThanOrEqual(51);
  });
});
