import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { MadoguchiError } from '../../src/errors.js';
import { senderTrust } from '../../src/inbound/auth-results.js';
import { automatedKind, bounceDetails } from '../../src/inbound/automated.js';
import { detectIntent, isEnglish } from '../../src/inbound/intent.js';
import { fillSkimmed, isComplete, parseMail } from '../../src/inbound/parse.js';
import { SKIM_ABOVE } from '../../src/inbound/skim.js';
import { intentWords } from '../../src/intent/words.js';
import { CORPUS, corpusMails } from '../helpers/corpus.js';

const config = loadConfig({ env: { MADOGUCHI_STORAGE_KEY: Buffer.alloc(32).toString('base64') } });
const words = intentWords(config);
const limits = { maxBytes: config.inbound.maxMailBytes, timeoutMs: 10_000 };

/** A fixed sequence (an LCG): the same mutants every run, so a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

/** Damage real mail the ways mail arrives damaged: cut, garbled, doubled, re-ended, re-bounded, bloated. */
function mutate(b: Buffer, rnd: () => number): Buffer {
  const at = Math.floor(rnd() * b.length);
  const latin1 = b.toString('latin1');
  switch (Math.floor(rnd() * 7)) {
    case 0:
      return b.subarray(0, at);
    case 1: {
      const c = Buffer.from(b);
      for (let i = 0; i < 20; i++) c[Math.floor(rnd() * c.length)] = Math.floor(rnd() * 256);
      return c;
    }
    case 2:
      return Buffer.concat([b.subarray(0, at), b.subarray(at, at + 2000), b.subarray(at)]);
    case 3:
      return Buffer.from(latin1.replace(/\r?\n/g, rnd() < 0.5 ? '\r' : '\n'), 'latin1');
    case 4:
      return Buffer.from(latin1.replace(/boundary="?[^";\r\n]+"?/i, 'boundary="x"'), 'latin1');
    case 5: {
      const end = latin1.search(/\r?\n\r?\n/);
      const bloat = `\r\nSubject: ${'=?ISO-2022-JP?B?GyRC?= '.repeat(3000)}`;
      return end < 0 ? b : Buffer.from(latin1.slice(0, end) + bloat + latin1.slice(end), 'latin1');
    }
    default: {
      const head = `\r\nContent-Type: multipart/mixed; boundary=${'a'.repeat(5000)}\r\n\r\n`;
      return Buffer.concat([b.subarray(0, at), Buffer.from(head), b.subarray(at)]);
    }
  }
}

/**
 * Every step an inbound mail takes before a decision, on bytes that may be anything. A throw from
 * parseMail ends as MAIL_UNPARSEABLE (parseHere), a defined end; a parse that never ends, or a
 * throw from the steps after it, is a mail stuck on retries.
 */
async function inbound(raw: Buffer): Promise<string | undefined> {
  let m: Awaited<ReturnType<typeof parseMail>>;
  try {
    m = await parseMail(raw, limits, { skimAbove: SKIM_ABOVE });
    if (!isComplete(m)) await fillSkimmed(raw, m, limits);
  } catch (err) {
    if (err instanceof MadoguchiError && err.code === 'MAIL_PARSE_TIMEOUT') return 'parse never ended';
    return err instanceof Error ? undefined : `threw a non-Error: ${String(err)}`;
  }
  try {
    automatedKind(m, config.mail.loopHeader);
    senderTrust(m, [config.inbound.trustedAuthservId]);
    detectIntent(m, words);
    isEnglish(m);
    bounceDetails(m, raw, config.mail.messageIdDomain);
  } catch (err) {
    return `after parsing: ${String(err).slice(0, 120)}`;
  }
  return undefined;
}

describe('mutated corpus mails: every one ends, none hangs or breaks a later step', () => {
  const mails = corpusMails();

  it(`${mails.length} corpus mails, 6 mutants each`, { timeout: 120_000 }, async () => {
    const rnd = random(1);
    const failures: string[] = [];
    for (const f of mails) {
      const original = readFileSync(path.join(CORPUS, f));
      for (let i = 0; i < 6; i++) {
        const why = await inbound(mutate(original, rnd));
        if (why) failures.push(`${f} mutant ${i}: ${why}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
