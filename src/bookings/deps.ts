import type { AnalyserThread } from '../intent/analyser.js';
import { createOutboxQueue } from '../outbox/queue.js';
import type { Context } from '../runtime/context.js';
import { createScheduleQueue } from '../scheduler/queue.js';
import type { NotifyDeps } from './notify.js';
import { type BookingDeps, type Clock, systemClock } from './service.js';
import { BookingStore } from './store.js';

export type BookingServices = BookingDeps & NotifyDeps & { close(): Promise<void> };

/**
 * The booking services over one context: what the CLI, the workers and the web console use. A
 * long-running process passes its analyser thread (src/intent/analyser.ts); the CLI loads the
 * analyser in its own thread.
 */
export function bookingServices(
  ctx: Context,
  clock: Clock = systemClock,
  analyser?: AnalyserThread,
): BookingServices {
  const store = new BookingStore(ctx.redis, ctx.config.connections.redisPrefix);
  const outbox = createOutboxQueue(ctx);
  const schedule = createScheduleQueue(ctx);
  return {
    ctx,
    config: ctx.config,
    store,
    clock,
    ...(analyser ? { analyser } : {}),
    outbox,
    schedule,
    async close() {
      await Promise.all([outbox.close(), schedule.close()]);
    },
  };
}
