import type { Queue } from 'bullmq';
import type { Context } from '../runtime/context.js';
import { createQueue } from '../runtime/queues.js';

export const OUTBOX_QUEUE = 'outbox';

/** A message as queued: plain JSON, everything nodemailer needs to send it again identically. */
export interface OutboxMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers: Record<string, string>;
  /** Documents attached by reference: loaded (decrypted) from the document store at send time. */
  attachments?: Array<{ blob: string; filename: string; contentType: string }>;
  icalEvent?: { method: 'REQUEST' | 'CANCEL' | 'REPLY'; content: string };
}

export interface OutboxJob {
  /** Idempotency key: one send per key, ever (e.g. booking id + sequence + recipient role). */
  key: string;
  /** What the mail is, for logs and records (never personal data). */
  kind: string;
  refs: Record<string, string>;
  mail: OutboxMail;
}

// BullMQ refuses ':' in custom job ids (it separates key parts).
export const jobIdFor = (key: string) => `mail-${key.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
export const sentKeyFor = (ctx: Pick<Context, 'config'>, key: string) =>
  `${ctx.config.connections.redisPrefix}:outbox:sent:${key}`;

export function createOutboxQueue(ctx: Context): Queue<OutboxJob> {
  return createQueue<OutboxJob>(ctx, OUTBOX_QUEUE, {
    attempts: 12,
    backoff: { type: 'exponential', delay: 2000 },
  });
}

/**
 * Queue a mail once. The deterministic job id makes a repeated enqueue a no-op while the job is
 * kept; the sent marker covers the time after it is removed.
 */
export async function enqueueMail(
  queue: Queue<OutboxJob>,
  ctx: Context,
  job: OutboxJob,
): Promise<'queued' | 'already-sent'> {
  if (await ctx.redis.exists(sentKeyFor(ctx, job.key))) return 'already-sent';
  await queue.add(job.kind, job, { jobId: jobIdFor(job.key) });
  return 'queued';
}
