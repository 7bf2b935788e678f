import { inboundDeps } from '../inbound/deps.js';
import { AnalyserThread } from '../intent/analyser.js';
import type { Context } from '../runtime/context.js';
import type { Handle } from '../runtime/processes.js';
import { migrateTriage } from '../triage/queue.js';
import { buildWeb } from './server.js';

/** The web process: the staff console on web.host:web.port. */
export async function startWeb(ctx: Context): Promise<Handle & { url: string }> {
  // A booking's topic is read for B12 by the analyser: in a thread that ends when idle, so the
  // console does not hold the dictionary's memory for good after one booking.
  const analyser = new AnalyserThread();
  const deps = inboundDeps(ctx, { analyser });
  await migrateTriage(deps); // the console may start before any inbound worker
  const app = await buildWeb(deps);
  const { host, port } = ctx.config.web;
  const address = await app.listen({ host, port });
  ctx.log.info('console listening', { address });
  return {
    name: 'web',
    url: address,
    async close() {
      await app.close();
      await deps.svc.close();
      await analyser.close();
    },
  };
}
