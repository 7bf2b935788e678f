import type { Queue } from 'bullmq';
import type { Context } from '../runtime/context.js';
import { createQueue } from '../runtime/queues.js';
import type { MailRef } from './store.js';

export const INBOUND_QUEUE = 'inbound';

/** One job per distinct mail (its SHA-256): a duplicate delivery or a re-seen UID adds nothing. */
export const inboundJobId = (hash: string) => `in-${hash}`;

export function createInboundQueue(ctx: Context): Queue<MailRef> {
  return createQueue<MailRef>(ctx, INBOUND_QUEUE, {
    attempts: 20,
    backoff: { type: 'exponential', delay: 1000 },
  });
}
