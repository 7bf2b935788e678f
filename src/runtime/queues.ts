import { type DefaultJobOptions, Queue } from 'bullmq';
import type { Context } from './context.js';

/** A BullMQ queue under the configured prefix; completed jobs kept 30 days, failed ones kept for staff. */
export function createQueue<T>(
  ctx: Context,
  name: string,
  retry: Pick<DefaultJobOptions, 'attempts' | 'backoff'>,
): Queue<T> {
  return new Queue<T>(name, {
    prefix: ctx.bull.prefix,
    connection: ctx.bull.connection,
    defaultJobOptions: { ...retry, removeOnComplete: { age: 30 * 24 * 3600 }, removeOnFail: false },
  });
}
