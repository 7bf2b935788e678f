import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { DEV_PASSWORD } from '../src/devstack/dovecot.js';
import { PROCESSES } from '../src/runtime/processes.js';
import { spawnWorker } from '../test/helpers/processes.js';
import type { Bench } from './registry.js';
import { cpuMs, procCpuMs, sha, startStack, TRUSTED, waitDone } from './stack.js';

const LATENCY_N = 40;
// 70 % small, 25 % with a 200 KB PDF, 5 % of 5 MB; enough mails that start-up (login, first fetch)
// is a small part of the time: the target is sustained throughput.
const MIX_N = 200;
const ROUNDS = 3;

const b64 = (b: Buffer) => b.toString('base64').replace(/(.{76})/g, '$1\r\n');

function benchMail(i: number, kind: 'small' | 'pdf' | 'big'): Buffer {
  const from = `seeker${i}-${kind}@example.jp`;
  const head = [
    `Authentication-Results: ${TRUSTED}; dmarc=pass header.from=example.jp`,
    `From: ${from}`,
    'To: consult@madoguchi.localhost',
    `Subject: =?UTF-8?B?${Buffer.from(kind === 'small' ? '予約の変更' : '書類の送付').toString('base64')}?=`,
    `Message-ID: <bench-${i}-${randomBytes(6).toString('hex')}@example.jp>`,
    'MIME-Version: 1.0',
  ];
  const text = b64(Buffer.from('よろしくお願いします。日程を変更したいです。\n'.repeat(5)));
  if (kind === 'small')
    return Buffer.from(
      [
        ...head,
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: base64',
        '',
        text,
        '',
      ].join('\r\n'),
    );
  const size = kind === 'pdf' ? 200 * 1024 : 5 * 1024 * 1024;
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(size)]);
  return Buffer.from(
    [
      ...head,
      'Content-Type: multipart/mixed; boundary="BENCH"',
      '',
      '--BENCH',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      text,
      '--BENCH',
      'Content-Type: application/pdf; name="rirekisho.pdf"',
      'Content-Disposition: attachment; filename="rirekisho.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      b64(pdf),
      '--BENCH--',
      '',
    ].join('\r\n'),
  );
}

export function benchMix(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) =>
    benchMail(i, i % 20 === 19 ? 'big' : i % 4 === 3 ? 'pdf' : 'small'),
  );
}

function client(port: number, user: string): ImapFlow {
  const c = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    auth: { user, pass: DEV_PASSWORD },
    logger: false,
  });
  c.on('error', () => undefined);
  return c;
}

async function append(port: number, user: string, mails: Buffer[]): Promise<void> {
  const c = client(port, user);
  await c.connect();
  for (const m of mails) await c.append('INBOX', m);
  await c.logout();
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/**
 * End-to-end inbound: a mail appended to Dovecot until its decision is carried out (plan applied,
 * replies queued, done marker written), and throughput on a 70/25/5 mix beside raw imapflow
 * fetch + mailparser parse of the same mails.
 */
export const inboundBench: Bench = {
  name: `inbound: Dovecot IDLE → decision done (${LATENCY_N} mails one by one; ${MIX_N}-mail 70/25/5 mix)`,
  async run(env) {
    // Latency: one mail at a time, the watcher idle in between (its IDLE notice is part of it:
    // Dovecot holds every notice 500 ms, NOTIFY_DELAY_MSECS in its lib-storage/mailbox-watch.c, so
    // that is the floor here; the ingress bench shows the path without it).
    const lat = await startStack(env, 'bench-lat', ['outbox', 'inbound', 'watcher']);
    const c = client(env.dovecot.port, 'bench-lat');
    await c.connect();
    const ms: number[] = [];
    for (let i = 0; i < LATENCY_N; i++) {
      const m = benchMail(1000 + i, 'small');
      const t0 = performance.now();
      await c.append('INBOX', m);
      await waitDone(lat.store, [sha(m)]);
      ms.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
    await c.logout();
    await lat.stop();

    // Throughput, in ROUNDS interleaved pairs after one pair not counted (the machine is shared and
    // noisy: the median of each side is reported, with its range). Baseline: the mix fetched with
    // imapflow and parsed with mailparser, nothing else. madoguchi: deployed as in
    // docker-compose.yml, the inbound worker and the outbox in processes of their own, started once
    // and kept, as in production (fresh ones per round measured their JIT warming up as well as
    // their work); the watcher here, beside the SMTP sink. Each round a new mix (new Message-IDs and files: new mail, not duplicates) is appended
    // with the watcher stopped, then the watcher started and the clock run until every decision
    // is carried out.
    const mails = benchMix(MIX_N);
    const mb = mails.reduce((n, m) => n + m.length, 0) / 1024 / 1024;
    await append(env.dovecot.port, 'bench-raw', mails);
    const rawRates: number[] = [];
    const tpRates: number[] = [];
    // CPU per mail, ms: where the time goes (the machine is shared, so wall time alone misleads).
    const cpu = {
      raw: [] as number[],
      rawDovecot: [] as number[],
      inbound: [] as number[],
      outbox: [] as number[],
      watcher: [] as number[],
      dovecot: [] as number[],
      redis: [] as number[],
    };
    // The servers' share: Dovecot's master with its session processes (each ends at logout, so
    // read after a pause), Redis as a whole.
    const servers = async () => {
      await new Promise((r) => setTimeout(r, 300));
      return [procCpuMs(env.dovecot.pid!, true), procCpuMs(env.redis.pid!)] as const;
    };
    const tp = await startStack(env, 'bench-tp', []);
    const children = [await spawnWorker('inbound', tp.env), await spawnWorker('outbox', tp.env)];
    for (let round = 0; round <= ROUNDS; round++) {
      const counted = round > 0;
      // Appended and written out before any clock runs.
      const mix = benchMix(MIX_N);
      const hashes = mix.map(sha);
      await append(env.dovecot.port, 'bench-tp', mix);
      await new Promise((r) => setTimeout(r, 2000));

      let [dovecot0, redis0] = await servers();
      const raw = client(env.dovecot.port, 'bench-raw');
      await raw.connect();
      let t0 = performance.now();
      let c0 = process.cpuUsage();
      const lock = await raw.getMailboxLock('INBOX');
      const sources: Buffer[] = [];
      for await (const m of raw.fetch('1:*', { source: true })) if (m.source) sources.push(m.source);
      for (const s of sources) await simpleParser(s);
      const rawRate = MIX_N / ((performance.now() - t0) / 1000);
      const rawCpu = cpuMs(process.cpuUsage(c0)) / MIX_N;
      lock.release();
      await raw.logout();
      let [dovecot1, redis1] = await servers();
      if (counted) {
        rawRates.push(rawRate);
        cpu.raw.push(rawCpu);
        cpu.rawDovecot.push((dovecot1 - dovecot0) / MIX_N);
      }
      [dovecot0, redis0] = [dovecot1, redis1];

      const before = children.map((ch) => procCpuMs(ch.pid!));
      t0 = performance.now();
      c0 = process.cpuUsage();
      const watcher = await PROCESSES.watcher!(tp.ctx);
      await waitDone(tp.store, hashes, 20); // a coarse poll: MGETs of 200 keys must not eat the CPU measured
      const tpRate = MIX_N / ((performance.now() - t0) / 1000);
      const watcherCpu = cpuMs(process.cpuUsage(c0)) / MIX_N;
      const [inbound, outbox] = children.map((ch, i) => (procCpuMs(ch.pid!) - before[i]!) / MIX_N);
      await watcher.close();
      [dovecot1, redis1] = await servers();
      if (counted) {
        tpRates.push(tpRate);
        cpu.watcher.push(watcherCpu);
        cpu.inbound.push(inbound!);
        cpu.outbox.push(outbox!);
        cpu.dovecot.push((dovecot1 - dovecot0) / MIX_N);
        cpu.redis.push((redis1 - redis0) / MIX_N);
      }
    }
    for (const child of children) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await tp.stop();
    const rate = (xs: number[]) =>
      `${pct(xs, 50).toFixed(1)} (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})`;

    return [
      { label: 'latency append → done, p50', value: `${pct(ms, 50).toFixed(0)} ms` },
      { label: 'latency append → done, p99', value: `${pct(ms, 99).toFixed(0)} ms` },
      {
        label: `baseline: raw fetch + parse, mails/s (${mb.toFixed(1)} MB; median of ${ROUNDS} after a warm-up, range)`,
        value: rate(rawRates),
      },
      {
        // The mix's senders are verified but not seekers on file: mails with files go to triage and
        // the files are never read (skim.ts). Document mails for staff: the documents bench.
        label: 'madoguchi (spool, queue, parse, decide, act, move), mails/s',
        value: rate(tpRates),
      },
      {
        label: 'CPU ms per mail (medians): baseline fetch + parse / its Dovecot',
        value: [cpu.raw, cpu.rawDovecot].map((xs) => pct(xs, 50).toFixed(1)).join(' / '),
      },
      {
        label:
          'CPU ms per mail: inbound worker (with its parse thread) / outbox / watcher + SMTP sink / Dovecot / Redis',
        value: [cpu.inbound, cpu.outbox, cpu.watcher, cpu.dovecot, cpu.redis]
          .map((xs) => pct(xs, 50).toFixed(1))
          .join(' / '),
      },
      {
        label: 'madoguchi / baseline (medians)',
        value: `${((pct(tpRates, 50) / pct(rawRates, 50)) * 100).toFixed(0)} % (target 75 %)`,
      },
    ];
  },
};
