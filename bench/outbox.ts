import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { loadConfig } from '../src/config/load.js';
import { createOutboxQueue, enqueueMail } from '../src/outbox/queue.js';
import { startOutbox } from '../src/outbox/worker.js';
import { createContext } from '../src/runtime/context.js';
import type { Bench } from './registry.js';
import { benchVars } from './stack.js';

const N = 300;

/** Outbox (BullMQ + idempotency marker + SMTP) against raw nodemailer sends to the same sink. */
export const outboxBench: Bench = {
  name: `outbox: ${N} small mails to the in-process SMTP sink`,
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

    const raw = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sink.port,
      ignoreTLS: true,
      pool: true,
      maxConnections: 4,
    });
    let t0 = performance.now();
    await Promise.all(Array.from({ length: N }, (_, i) => raw.sendMail(mail(i))));
    const rawSecs = (performance.now() - t0) / 1000;
    raw.close();

    const config = loadConfig({ env: benchVars(env) });
    const ctx = createContext(config);
    const queue = createOutboxQueue(ctx);
    const before = sink.messages.length;
    t0 = performance.now();
    for (let i = 0; i < N; i++)
      await enqueueMail(queue, ctx, { key: `b${i}`, kind: 'bench', refs: {}, mail: mail(i) });
    const worker = await startOutbox(ctx);
    while (sink.messages.length - before < N) await new Promise((r) => setTimeout(r, 20));
    const outboxSecs = (performance.now() - t0) / 1000;
    await worker.close();
    await queue.close();
    await ctx.close();
    return [
      { label: 'baseline: raw nodemailer (pool of 4), mails/s', value: (N / rawSecs).toFixed(0) },
      { label: 'madoguchi outbox (enqueue + send), mails/s', value: (N / outboxSecs).toFixed(0) },
      { label: 'outbox / baseline', value: `${((rawSecs / outboxSecs) * 100).toFixed(0)} %` },
    ];
  },
};
