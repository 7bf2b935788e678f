import { Worker } from 'bullmq';
import { createSmtpTransport } from '../adapters/smtp.js';
import type { Context } from '../runtime/context.js';
import { sendSeconds, sends } from '../runtime/metrics.js';
import type { Handle } from '../runtime/processes.js';
import { workerOptions } from '../runtime/queues.js';
import { stores } from '../storage/encrypted-store.js';
import { OUTBOX_QUEUE, type OutboxJob } from './queue.js';
import { sendOutboxMail } from './send.js';

/**
 * Jobs at a time: four times the SMTP pool. While jobs do their Redis steps (fetch, sent marker,
 * completion), others wait in nodemailer's queue, so no SMTP session waits on Redis. The outbox
 * bench's BullMQ-alone side uses it too (`npm run bench -- outbox`, with this changed): 8 gave
 * 63-70 % of raw nodemailer, 16 gave 72-75 %, 32 no more.
 */
export const OUTBOX_CONCURRENCY = 16;

/** The outbox process: sends queued mail through the configured SMTP server. */
export async function startOutbox(ctx: Context): Promise<Handle> {
  const transport = createSmtpTransport(ctx.config);
  const { documents } = stores(ctx.config);
  const log = ctx.log.child({ proc: 'outbox' });
  const worker = new Worker<OutboxJob>(
    OUTBOX_QUEUE,
    async (job) => {
      const end = sendSeconds.startTimer({ kind: job.data.kind });
      try {
        return await sendOutboxMail(ctx, transport, job.data, documents);
      } finally {
        end();
      }
    },
    workerOptions(ctx, OUTBOX_CONCURRENCY),
  );
  worker.on('completed', (job, res) => {
    log.info('mail done', { job: job.id, kind: job.data.kind, ...job.data.refs, status: res.status });
    sends.inc({ kind: job.data.kind, result: res.status });
  });
  worker.on('failed', (job, err) => {
    log.warn('mail failed', { job: job?.id, kind: job?.data.kind, attempt: job?.attemptsMade, err });
    sends.inc({ kind: job?.data.kind ?? 'unknown', result: 'failed' });
  });
  worker.on('error', (err) => log.error('outbox worker error', { err }));
  await worker.waitUntilReady();
  return {
    name: 'outbox',
    async close() {
      await worker.close();
      transport.close();
    },
  };
}
