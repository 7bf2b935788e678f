import path from 'node:path';
import { Worker } from 'bullmq';
import { bookingServices } from '../bookings/deps.js';
import type { Clock } from '../bookings/service.js';
import type { Context } from '../runtime/context.js';
import type { Handle } from '../runtime/processes.js';
import { workerOptions } from '../runtime/queues.js';
import { handleMail, type InboundDeps } from './handle.js';
import { Mover } from './mover.js';
import { INBOUND_QUEUE } from './queue.js';
import { Spool } from './spool.js';
import { InboundStore, type MailRef } from './store.js';

export function inboundDeps(ctx: Context, clock?: Clock): InboundDeps {
  return {
    svc: bookingServices(ctx, clock),
    store: new InboundStore(ctx.redis, ctx.config.connections.redisPrefix),
    spool: new Spool(path.join(ctx.config.dataDir, 'spool'), ctx.config.storage.key),
  };
}

/** The inbound worker process: decides and acts on each spooled mail, then moves it on the server. */
export async function startInbound(ctx: Context): Promise<Handle> {
  const deps = inboundDeps(ctx);
  const log = ctx.log.child({ proc: 'inbound' });
  const mover = new Mover(ctx.config, deps.store, log);
  const worker = new Worker<MailRef>(
    INBOUND_QUEUE,
    async (job) => {
      const plan = await handleMail(deps, job.data);
      await mover.move(job.data.hash, plan.outcome);
      return { rule: plan.rule, action: plan.action, outcome: plan.outcome };
    },
    workerOptions(ctx, 4),
  );
  // Ids and rule names only (P4): never a subject, an address or a body.
  worker.on('completed', (job, res) =>
    log.info('mail handled', { mail: job.data.hash.slice(0, 16), ...res }),
  );
  worker.on('failed', (job, err) =>
    log.warn('mail handling failed', { mail: job?.data.hash.slice(0, 16), err }),
  );
  worker.on('error', (err) => log.error('inbound worker error', { err }));
  await worker.waitUntilReady();
  return {
    name: 'inbound',
    async close() {
      await worker.close();
      await mover.close();
      await deps.svc.close();
    },
  };
}
