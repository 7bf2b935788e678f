import { execFileSync } from 'node:child_process';
import { simpleParser } from 'mailparser';
import { loadConfig } from '../src/config/load.js';
import { detectIntent } from '../src/inbound/intent.js';
import type { ParsedMail } from '../src/inbound/parse.js';
import { intentWords } from '../src/intent/words.js';
import { intentSet, setMail } from '../test/helpers/intent-set.js';
import type { Bench } from './registry.js';
import { benchVars } from './stack.js';

const ROUNDS = 20;
const LOAD = `const { tokenize } = await import('./src/intent/tokenizer.ts');
const t = process.cpuUsage(); tokenize('読み込み'); const d = process.cpuUsage(t);
process.stdout.write(String((d.user + d.system) / 1000));`;

/**
 * The intent step alone (issue #13) on the labelled set's 229 mails, beside mailparser's parse of
 * the same mails: what reading words costs next to reading the mail at all. CPU time per mail.
 */
export const intentBench: Bench = {
  name: 'intent: reading the labelled set (test/fixtures/intents) word by word',
  async run(env) {
    const words = intentWords(loadConfig({ env: benchVars(env) }));
    const rows = intentSet();
    const raws = rows.map(({ subject, body }) =>
      Buffer.from(
        `From: seeker@example.jp\r\nSubject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(body).toString('base64')}\r\n`,
      ),
    );
    // Their text only, as the raw mails above hold it (no attachment).
    const mails: ParsedMail[] = rows.map((r) => setMail({ ...r, attachment: '' }));

    // In a fresh process: an earlier bench (inbound) has loaded the analyser into this one already.
    const loadMs = Number(
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', LOAD], {
        cwd: new URL('..', import.meta.url),
        encoding: 'utf8',
      }),
    );

    const cpu = async (f: () => unknown) => {
      const c = process.cpuUsage();
      for (let r = 0; r < ROUNDS; r++) await f();
      const d = process.cpuUsage(c);
      return (d.user + d.system) / 1000 / (ROUNDS * mails.length);
    };
    await cpu(() => Promise.all(raws.map((r) => simpleParser(r)))); // warm both
    await cpu(() => mails.map((m) => detectIntent(m, words)));
    const parseMs = await cpu(() => Promise.all(raws.map((r) => simpleParser(r))));
    const intentMs = await cpu(() => mails.map((m) => detectIntent(m, words)));
    return [
      {
        label: 'analyser load (once per process), CPU',
        value: `${loadMs.toFixed(0)} ms`,
      },
      { label: `baseline: mailparser parse, CPU per mail`, value: `${parseMs.toFixed(3)} ms` },
      { label: 'madoguchi: intent (reader + analyser), CPU per mail', value: `${intentMs.toFixed(3)} ms` },
      { label: 'intent / parse', value: `${((intentMs / parseMs) * 100).toFixed(0)} %` },
    ];
  },
};
