import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createInboundQueue } from '../../inbound/queue.js';
import { createOutboxQueue } from '../../outbox/queue.js';
import { createScheduleQueue } from '../../scheduler/queue.js';
import { adminOnly, auditConsole, sendError, type WebDeps } from '../server.js';
import { errorText } from '../views.js';

export const BOARD = '/admin/queues';

// The board's own pages load its bundled script and style (relative to a <base href>, hence
// base-uri self); React sets some styles inline. Its Google Fonts link is blocked: nothing leaves.
const BOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

/**
 * BullMQ's dashboard (@bull-board/fastify, issue #12) for admins only: it shows job data, which
 * may hold addresses (P5). Its actions are JSON calls without our CSRF token, so a change must
 * come from our own origin (the Origin header; the session cookie is SameSite=Lax as well).
 */
export async function queueBoard(app: FastifyInstance, web: WebDeps) {
  const ctx = web.svc.ctx;
  const queues = [createInboundQueue(ctx), createOutboxQueue(ctx), createScheduleQueue(ctx)];
  const adapter = new FastifyAdapter().setBasePath(BOARD);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  const sameOrigin = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method === 'GET' || req.method === 'HEAD') return;
    const origin = req.headers.origin;
    if (!origin || new URL(origin).host !== req.headers.host)
      return sendError(reply, req, 403, errorText('FORBIDDEN'));
  };
  await app.register(async (scope) => {
    scope.addHook('preHandler', adminOnly);
    scope.addHook('preHandler', sameOrigin);
    scope.addHook('onSend', async (req, reply) => {
      reply.header('content-security-policy', BOARD_CSP);
      if (req.staff && reply.statusCode === 200 && req.method === 'GET' && req.url.split('?')[0] === BOARD)
        await auditConsole(web, req, 'P5', 'queues-view', {});
    });
    await scope.register(adapter.registerPlugin(), { prefix: BOARD });
  });
  app.addHook('onClose', async () => {
    await Promise.all(queues.map((q) => q.close()));
  });
}
