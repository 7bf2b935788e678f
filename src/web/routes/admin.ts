import type { FastifyInstance } from 'fastify';
import { jst } from '../../domain/time.js';
import { MadoguchiError } from '../../errors.js';
import { quarantineRelease, quarantineShow } from '../../inbound/admin.js';
import { failedJob, operationsStatus } from '../../runtime/operations.js';
import { actorOf, adminOnly, auditConsole, render, sendError, type WebDeps } from '../server.js';
import { errorText, messagesFor } from '../views.js';

type Query = { done?: string; failed?: string };
const when = (iso: string) => (iso ? jst(iso).toFormat('yyyy-MM-dd HH:mm') : '');

/**
 * Admin pages (issue #11): quarantine (list, show, release with the CLI's undo on failure) and
 * operations (watcher, queues, failed jobs with retry/remove, alerts, the oldest open triage item),
 * over the same functions as `madoguchi quarantine …` and `madoguchi ops …`.
 */
export async function adminRoutes(app: FastifyInstance, web: WebDeps) {
  const t = messagesFor();
  const admin = { preHandler: adminOnly };
  const adminPost = { preHandler: [adminOnly, app.csrfProtection] };

  app.get<{ Querystring: Query }>('/admin/quarantine', admin, async (req, reply) => {
    const rows = await web.store.quarantined();
    return render(req, reply, 'quarantine', {
      title: t.quarantine!.title!,
      rows: rows.map((q) => ({ ...q, id: q.hash.slice(0, 16), at: when(q.at) })),
      notice: req.query.done ? t.quarantine!.released! : '',
      error: req.query.failed ? t.quarantine!.failed! : '',
    });
  });

  app.get<{ Params: { id: string } }>('/admin/quarantine/:id', admin, async (req, reply) => {
    let q: Awaited<ReturnType<typeof quarantineShow>>;
    try {
      q = await quarantineShow(web, req.params.id);
    } catch {
      return sendError(reply, req, 404, errorText('NOT_FOUND'));
    }
    await auditConsole(web, req, 'P5', 'quarantine-view', { mail: q.hash.slice(0, 16) });
    return render(req, reply, 'quarantine-item', {
      title: `${t.quarantine!.title} ${q.hash.slice(0, 16)}`,
      q: { ...q, id: q.hash.slice(0, 16), at: when((q as { at?: string }).at ?? '') },
    });
  });

  app.post<{ Params: { id: string } }>('/admin/quarantine/:id/release', adminPost, async (req, reply) => {
    try {
      await quarantineRelease(web, req.params.id, actorOf(req));
    } catch (err) {
      if (err instanceof MadoguchiError && err.code === 'NOT_FOUND')
        return sendError(reply, req, 404, errorText('NOT_FOUND'));
      // Not released (IMAP down, an oversize mail): quarantineRelease put everything back.
      web.svc.ctx.log.warn('quarantine release failed', { err });
      return reply.redirect('/admin/quarantine?failed=1', 303);
    }
    return reply.redirect('/admin/quarantine?done=1', 303);
  });

  app.get<{ Querystring: Query }>('/admin/operations', admin, async (req, reply) => {
    const s = await operationsStatus(web);
    return render(req, reply, 'operations', {
      title: t.ops!.title!,
      s,
      lastSweep: s.inbox.lastSweepSecondsAgo,
      problems: s.problems.map((p) => t.ops![p]),
      oldest: s.triage.oldest ? when(s.triage.oldest) : '',
      alerts: s.alerts.map((a) => ({ ...a, at: when(a.at) })),
      failed: s.queues.flatMap((q) => q.failed.map((j) => ({ ...j, queue: q.name, at: when(j.at) }))),
      notice: req.query.done ? t.triage!.saved! : '',
    });
  });

  app.post<{ Params: { queue: string; id: string; action: string } }>(
    '/admin/jobs/:queue/:id/:action',
    adminPost,
    async (req, reply) => {
      const { queue, id, action } = req.params;
      if (action !== 'retry' && action !== 'remove')
        return sendError(reply, req, 404, errorText('NOT_FOUND'));
      try {
        await failedJob(web, queue, id, action, actorOf(req));
      } catch (err) {
        if (!(err instanceof MadoguchiError)) throw err;
        return sendError(reply, req, err.code === 'NOT_FOUND' ? 404 : 400, errorText(err.code));
      }
      return reply.redirect('/admin/operations?done=1', 303);
    },
  );
}
