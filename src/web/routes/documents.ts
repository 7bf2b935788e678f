import type { FastifyInstance } from 'fastify';
import { listDocuments, mayOpen, readDocument, reviewDocument } from '../../documents/queue.js';
import { jst } from '../../domain/time.js';
import { MadoguchiError } from '../../errors.js';
import { actorOf, render, sendError, type WebDeps } from '../server.js';
import { errorText, messagesFor } from '../views.js';
import { download } from './download.js';

type Query = { scope?: string; state?: string };
const day = (iso: string) => jst(iso).toFormat('yyyy-MM-dd');

/**
 * The documents queue (issue #11) over src/documents/queue.ts like the CLI: mine or all, new or
 * all; download decrypted on the fly (assigned staff member or admin, audited); mark reviewed.
 * When each will be deleted (P4 retention), and what was deleted lately, without file names.
 */
export async function documentRoutes(app: FastifyInstance, web: WebDeps) {
  const t = messagesFor();
  const kindText = (k: string) => (k === 'other' ? t.documents!.other! : k);

  app.get<{ Querystring: Query }>('/documents', async (req, reply) => {
    const me = req.staff!;
    const scope = req.query.scope === 'all' ? 'all' : 'mine';
    const state = req.query.state === 'all' ? 'all' : 'new';
    const docs = await listDocuments(web, {
      ...(scope === 'mine' ? { staffId: me.id } : {}),
      ...(state === 'new' ? { state: 'new' as const } : {}),
    });
    const staff = new Map((await web.svc.store.listStaff()).map((s) => [s.id, s.name]));
    const purged = (await web.docs.purged()).filter((d) => scope === 'all' || d.staffId === me.id);
    return render(req, reply, 'documents', {
      title: t.documents!.title!,
      scope,
      state,
      docs: docs.map((d) => ({
        ...d,
        docKind: kindText(d.docKind),
        received: day(d.createdAt),
        purge: day(d.purgeAfter),
        staff: staff.get(d.staffId) ?? '',
        mayOpen: mayOpen(d, me),
      })),
      purged: purged.map((d) => ({ ...d, docKind: kindText(d.docKind), deleted: day(d.deletedAt) })),
    });
  });

  app.get<{ Params: { id: string } }>('/documents/:id/download', async (req, reply) => {
    try {
      const { record, data } = await readDocument(web, req.params.id, actorOf(req), 'console', req.staff);
      return download(reply, record.filename, record.contentType, data);
    } catch (err) {
      if (!(err instanceof MadoguchiError)) throw err;
      return sendError(reply, req, err.code === 'FORBIDDEN' ? 403 : 404, errorText(err.code));
    }
  });

  app.post<{ Params: { id: string } }>(
    '/documents/:id/reviewed',
    { preHandler: app.csrfProtection },
    async (req, reply) => {
      try {
        await reviewDocument(web, req.params.id, actorOf(req), req.staff);
      } catch (err) {
        if (!(err instanceof MadoguchiError)) throw err;
        return sendError(reply, req, err.code === 'FORBIDDEN' ? 403 : 404, errorText(err.code));
      }
      return reply.redirect('/documents', 303);
    },
  );
}
