import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { runDoctor } from '../doctor.js';
import type { Context } from './context.js';
import { METRICS_CONTENT_TYPE, metricsText } from './metrics.js';
import type { Handle } from './processes.js';

/**
 * Readiness: Redis, the IMAP login and the SMTP greeting, each by name, within the doctor's
 * timeouts. The same checks as `madoguchi doctor` (one implementation: runDoctor).
 */
export async function readiness(ctx: Context) {
  const checks = await runDoctor(ctx.config);
  return { ready: checks.every((c) => c.ok), checks };
}

/** /healthz, /readyz and /metrics for one request, as [status, content type, body]; else undefined. */
export async function probe(ctx: Context, url: string): Promise<[number, string, string] | undefined> {
  const path = url.split('?')[0];
  if (path === '/healthz') return [200, 'application/json', JSON.stringify({ ok: true })];
  if (path === '/readyz') {
    const r = await readiness(ctx);
    return [r.ready ? 200 : 503, 'application/json', JSON.stringify(r)];
  }
  if (path === '/metrics') return [200, METRICS_CONTENT_TYPE, await metricsText()];
  return undefined;
}

/** The probes on metrics.host:metrics.port, for a process that has no web console. */
export async function startProbeServer(ctx: Context): Promise<Handle & { port: number }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    probe(ctx, req.url ?? '/')
      .then((r) => {
        const [status, type, body] = r ?? [404, 'text/plain', 'not found'];
        res.writeHead(status, { 'content-type': type }).end(body);
      })
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) =>
    server.listen(ctx.config.metrics.port, ctx.config.metrics.host, resolve),
  );
  const port = (server.address() as { port: number }).port;
  ctx.log.info('probes listening', { port });
  return {
    name: 'probes',
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
