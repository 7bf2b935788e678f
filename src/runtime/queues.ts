import { type DefaultJobOptions, Queue, type WorkerOptions } from 'bullmq';
import type { Context } from './context.js';

/** A BullMQ queue under the configured prefix; completed jobs kept 30 days, failed ones kept for staff. */
export function createQueue<T>(
  ctx: Context,
  name: string,
  retry: Pick<DefaultJobOptions, 'attempts' | 'backoff'>,
): Queue<T> {
  const queue = new Queue<T>(name, {
    prefix: ctx.bull.prefix,
    connection: ctx.bull.connection,
    defaultJobOptions: { ...retry, removeOnComplete: { age: 30 * 24 * 3600 }, removeOnFail: false },
  });
  // The shared connection's errors are logged once by the context. A queue without a listener
  // makes BullMQ print each one raw to stderr (not JSON lines), once per queue.
  queue.on('error', () => {});
  return queue;
}

/** Options every worker shares: prefix, connection, and the stalled-job takeover from config. */
export function workerOptions(ctx: Context, concurrency: number): WorkerOptions {
  return {
    prefix: ctx.bull.prefix,
    connection: ctx.bull.connection,
    concurrency,
    lockDuration: ctx.config.queues.lockDurationMs,
    stalledInterval: ctx.config.queues.stalledIntervalMs,
  };
}
