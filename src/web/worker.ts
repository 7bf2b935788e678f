import { inboundDeps } from '../inbound/deps.js';
import type { Context } from '../runtime/context.js';
import type { Handle } from '../runtime/processes.js';
import { migrateTriage } from '../triage/queue.js';
import { buildWeb } from './server.js';

/** The web process: the staff console on web.host:web.port. */
export async function startWeb(ctx: Context): Promise<Handle & { url: string }> {
  const deps = inboundDeps(ctx);
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
    },
  };
}
