import { Queue } from 'bullmq';
import type { Context } from '../runtime/context.js';

export const SCHEDULE_QUEUE = 'schedule';

/** Delayed work tied to one booking state: BullMQ keeps delayed jobs in Redis across restarts. */
export interface ScheduleJob {
  type: 'reminder' | 'noshow';
  bookingId: string;
  /** The booking sequence the job was made for; a later change makes the job a no-op. */
  sequence: number;
}

export function createScheduleQueue(ctx: Context): Queue<ScheduleJob> {
  return new Queue<ScheduleJob>(SCHEDULE_QUEUE, {
    prefix: ctx.bull.prefix,
    connection: ctx.bull.connection,
    defaultJobOptions: {
      attempts: 20,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 30 * 24 * 3600 },
      removeOnFail: false,
    },
  });
}
