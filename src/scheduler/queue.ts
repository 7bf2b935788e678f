import type { Queue } from 'bullmq';
import type { Context } from '../runtime/context.js';
import { createQueue } from '../runtime/queues.js';

export const SCHEDULE_QUEUE = 'schedule';

/** Delayed work tied to one booking state: BullMQ keeps delayed jobs in Redis across restarts. */
export interface ScheduleJob {
  type: 'reminder' | 'noshow';
  bookingId: string;
  /** The booking sequence the job was made for; a later change makes the job a no-op. */
  sequence: number;
}

export function createScheduleQueue(ctx: Context): Queue<ScheduleJob> {
  return createQueue<ScheduleJob>(ctx, SCHEDULE_QUEUE, {
    attempts: 20,
    backoff: { type: 'exponential', delay: 1000 },
  });
}
