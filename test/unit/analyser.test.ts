import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { detectIntent } from '../../src/inbound/intent.js';
import { AnalyserThread, withAnalyser } from '../../src/intent/analyser.js';
import { tokenize } from '../../src/intent/tokenizer.js';
import { intentWords } from '../../src/intent/words.js';
import { intentSet, setMail } from '../helpers/intent-set.js';
import { parsedMail } from '../helpers/mail.js';

// The inbound worker's analyser runs in a thread that starts when a mail needs it and ends when
// idle (its dictionary's memory goes with it). Nothing it decides may differ from the analyser
// loaded in this thread.
const words = intentWords(
  loadConfig({ env: { MADOGUCHI_STORAGE_KEY: Buffer.alloc(32).toString('base64') } }),
);
const threads: AnalyserThread[] = [];
const analyser = (idleMs?: number) => {
  const a = new AnalyserThread(idleMs);
  threads.push(a);
  return a;
};
afterAll(() => Promise.all(threads.map((a) => a.close())));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the analyser thread', () => {
  it('decides every mail of the labelled set as the analyser in this thread does', async () => {
    const a = analyser();
    for (const r of intentSet()) {
      const m = setMail(r);
      expect(await withAnalyser(a, (t) => detectIntent(m, words, t)), r.body).toEqual(
        detectIntent(m, words, tokenize),
      );
    }
    expect(a.loaded).toBe(true);
  });

  it('is not started for a mail that holds none of the words it is needed for', async () => {
    const a = analyser();
    const m = parsedMail({ subject: '書類の送付', text: '履歴書をお送りします。よろしくお願いいたします。' });
    expect(await withAnalyser(a, (t) => detectIntent(m, words, t))).toEqual(detectIntent(m, words, tokenize));
    expect(a.started).toBe(false);
  });

  it('ends when idle, and a later sentence starts it again', async () => {
    const a = analyser(300);
    const sentence = '明日の相談をキャンセルします';
    expect(a.tokenize(sentence)).toEqual(tokenize(sentence));
    expect(a.started).toBe(true);
    for (let i = 0; i < 100 && a.started; i++) await sleep(50);
    expect(a.started).toBe(false);
    expect(a.tokenize(sentence)).toEqual(tokenize(sentence));
  });

  it('starts afresh after its thread died between calls', async () => {
    const a = analyser();
    await a.ready();
    // The thread, killed from outside (as an out-of-memory end would): the next call still answers.
    const running = (a as unknown as { running: { worker: { terminate(): Promise<number> } } }).running;
    await running.worker.terminate();
    await sleep(50);
    expect(a.tokenize('欠席します')).toEqual(tokenize('欠席します'));
  });
});
