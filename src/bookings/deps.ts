import { createOutboxQueue } from '../outbox/queue.js';
import type { Context } from '../runtime/context.js';
import { createScheduleQueue } from '../scheduler/queue.js';
import type { NotifyDeps } from './notify.js';
import { type BookingDeps, type Clock, systemClock } from './service.js';
import { BookingStore } from './store.js';

export type BookingServices = BookingDeps & NotifyDeps & { close(): Promise<void> };

/** The booking services over one context: what the CLI, the workers and (later) the web console use. */
export function bookingServices(ctx: Context, clock: Clock = systemClock): BookingServices {
  const store = new BookingStore(ctx.redis, ctx.config.connections.redisPrefix);
  const outbox = createOutboxQueue(ctx);
  const schedule = createScheduleQueue(ctx);
  return {
    ctx,
    config: ctx.config,
    store,
    clock,
    outbox,
    schedule,
    async close() {
      await Promise.all([outbox.close(), schedule.close()]);
    },
  };
}
