import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { createSmtpTransport } from '../src/adapters/smtp.js';
import { loadConfig } from '../src/config/load.js';
import { createOutboxQueue, enqueueMail, jobIdFor, OUTBOX_QUEUE } from '../src/outbox/queue.js';
import { OUTBOX_CONCURRENCY, startOutbox } from '../src/outbox/worker.js';
import { createContext } from '../src/runtime/context.js';
import { workerOptions } from '../src/runtime/queues.js';
import type { Bench } from './registry.js';
import { benchVars } from './stack.js';

const N = 300;
const ROUNDS = 5; // the first pair warms both sides (JIT, connections) and is not counted

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) =>
  `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;

/**
 * Outbox (BullMQ + idempotency marker + SMTP) against raw nodemailer sends to the same sink, in
 * interleaved rounds (the machine is shared: medians, with their range). Warm figures: a cold
 * first round measured the JIT more than either side. The outbox is running when mail is queued,
 * as its process is in production. A third side, BullMQ alone (the same job ids, worker options
 * and SMTP pool, a processor that only sends), shows how much of the gap is the queue itself.
 */
export const outboxBench: Bench = {
  name: `outbox: ${N} small mails to the in-process SMTP sink (median of ${ROUNDS - 1} after a warm-up)`,
  async run(env) {
    const { sink } = env;
    const mail = (i: number) => ({
      from: 'consult@madoguchi.localhost',
      to: [`seeker${i}@example.jp`],
      subject: 'ベンチマーク',
      text: '本文'.repeat(200),
      messageId: `<bench-${i}-${randomUUID()}@madoguchi.localhost>`,
      headers: {},
    });
    const until = async (n: number) => {
      while (sink.messages.length < n) await new Promise((r) => setTimeout(r, 5));
    };

    const raw: number[] = [];
    const bull: number[] = [];
    const ours: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const transport = createSmtpTransport({ connections: { smtpUrl: sink.url } }); // the same pool, no queue
      let t0 = performance.now();
      await Promise.all(Array.from({ length: N }, (_, i) => transport.sendMail(mail(i))));
      if (round) raw.push(N / ((performance.now() - t0) / 1000));
      transport.close();

      for (const side of ['bull', 'ours'] as const) {
        const ctx = createContext(loadConfig({ env: benchVars(env) }));
        const queue = createOutboxQueue(ctx);
        const smtp = side === 'bull' ? createSmtpTransport(ctx.config) : undefined;
        const worker = smtp
          ? new Worker(
              OUTBOX_QUEUE,
              (job) => smtp.sendMail(job.data.mail),
              workerOptions(ctx, OUTBOX_CONCURRENCY),
            )
          : await startOutbox(ctx);
        if (worker instanceof Worker) await worker.waitUntilReady();
        const before = sink.messages.length;
        t0 = performance.now();
        // All handed over at once, as the baseline hands nodemailer all of them at once.
        await Promise.all(
          Array.from({ length: N }, (_, i) => {
            const job = { key: `b${i}`, kind: 'bench', refs: {}, mail: mail(i) };
            return side === 'ours'
              ? enqueueMail(queue, ctx, job)
              : queue.add(job.kind, job, { jobId: jobIdFor(job.key) });
          }),
        );
        await until(before + N);
        if (round) (side === 'ours' ? ours : bull).push(N / ((performance.now() - t0) / 1000));
        await worker.close();
        smtp?.close();
        await queue.close();
        await ctx.close();
      }
    }
    return [
      { label: 'baseline: raw nodemailer (pool of 4), mails/s', value: range(raw) },
      { label: 'BullMQ alone (same job ids and pool), mails/s', value: range(bull) },
      { label: 'madoguchi outbox (enqueue + send), mails/s', value: range(ours) },
      {
        label: 'BullMQ alone / baseline; outbox / BullMQ alone',
        value: `${((median(bull) / median(raw)) * 100).toFixed(0)} %; ${((median(ours) / median(bull)) * 100).toFixed(0)} %`,
      },
      {
        label: 'outbox / baseline (medians)',
        value: `${((median(ours) / median(raw)) * 100).toFixed(0)} % (target 80 %)`,
      },
    ];
  },
};
