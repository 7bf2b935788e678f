import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpSink } from '../../src/devstack/smtp-sink.js';
import { createOutboxQueue, enqueueMail, type OutboxJob } from '../../src/outbox/queue.js';
import { startOutbox } from '../../src/outbox/worker.js';
import { type Context, createContext } from '../../src/runtime/context.js';
import type { Handle } from '../../src/runtime/processes.js';
import { startSink, testConfig, testEnv } from '../helpers/stack.js';

function mail(key: string, to = 'seeker1@example.jp'): OutboxJob {
  return {
    key,
    kind: 'test',
    refs: { test: key },
    mail: {
      from: 'consult@madoguchi.localhost',
      to: [to],
      subject: '件名',
      text: '本文',
      messageId: `<${key}@madoguchi.localhost>`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    },
  };
}

async function waitForJob(queue: Queue, id: string, state: 'completed' | 'failed'): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await queue.getJobState(id)) === state) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} never reached ${state}`);
}

describe('outbox (BullMQ on the private Redis, SMTP sink)', () => {
  let sink: SmtpSink;
  let ctx: Context;
  let worker: Handle;
  let queue: Queue<OutboxJob>;
  beforeAll(async () => {
    sink = await startSink();
    ctx = createContext(testConfig(testEnv({ smtpUrl: sink.url })));
    queue = createOutboxQueue(ctx);
    worker = await startOutbox(ctx);
  });
  afterAll(async () => {
    await worker.close();
    await queue.close();
    await ctx.close();
    await sink.stop();
  });

  it('sends a queued mail once, even when enqueued twice', async () => {
    expect(await enqueueMail(queue, ctx, mail('once'))).toBe('queued');
    await enqueueMail(queue, ctx, mail('once'));
    await waitForJob(queue, 'mail-once', 'completed');
    expect(await enqueueMail(queue, ctx, mail('once'))).toBe('already-sent');
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.messages.filter((m) => m.raw.includes('<once@madoguchi.localhost>'))).toHaveLength(1);
  });

  it('a 5xx reply fails the job at once, without retries', async () => {
    sink.responder = ({ to }) =>
      to.includes('gone@example.jp') ? { code: 550, message: 'no such user' } : undefined;
    await enqueueMail(queue, ctx, mail('perm', 'gone@example.jp'));
    await waitForJob(queue, 'mail-perm', 'failed');
    const job = await queue.getJob('mail-perm');
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toMatch(/SMTP_PERMANENT/);
    sink.responder = undefined;
  });

  it('a 4xx reply is retried until the server accepts', async () => {
    let refusals = 0;
    sink.responder = ({ to }) =>
      to.includes('later@example.jp') && refusals++ < 1
        ? { code: 451, message: 'try again later' }
        : undefined;
    // Retry quickly in this test; production backs off from 2 s.
    await queue.add('test', mail('temp', 'later@example.jp'), {
      jobId: 'mail-temp',
      backoff: { type: 'fixed', delay: 100 },
    });
    await waitForJob(queue, 'mail-temp', 'completed');
    expect((await queue.getJob('mail-temp'))?.attemptsMade).toBeGreaterThanOrEqual(1);
    expect(refusals).toBe(2);
    expect(sink.messages.filter((m) => m.to.includes('later@example.jp'))).toHaveLength(1);
    sink.responder = undefined;
  });
});
