import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { jst } from '../../domain/time.js';
import { MadoguchiError } from '../../errors.js';
import { threadMails, triageFile } from '../../triage/mail.js';
import {
  assignTriage,
  doneTriage,
  linkTriage,
  listTriage,
  type TriageItem,
  takeTriage,
  triageItem,
} from '../../triage/queue.js';
import { replyTriage } from '../../triage/reply.js';
import { actorOf, auditConsole, render, sendError, type WebDeps } from '../server.js';
import { errorText, messagesFor } from '../views.js';
import { download } from './download.js';

type Body = Record<string, string | undefined>;
const FILTERS = ['open', 'mine', 'unassigned', 'done', 'all'] as const;
type Filter = (typeof FILTERS)[number];

/**
 * The triage queue in the console (issue #11), over src/triage/queue.ts like the CLI. The mail is
 * shown as text only (escaped by the template): no HTML of a mail ever reaches the page, so it can
 * neither run script nor fetch anything. Quoted text is folded.
 */
export async function triageRoutes(app: FastifyInstance, web: WebDeps) {
  const t = messagesFor();
  const reasonText = (r: string) =>
    t.reasons?.[r] ?? (r.startsWith('out of scope: ') ? `${t.reasons?.['out of scope']}: ${r.slice(14)}` : r);
  const keep = (f: Filter, me: string) => (x: TriageItem) =>
    f === 'all' ||
    (f === 'open' && x.state !== 'done') ||
    (f === 'done' && x.state === 'done') ||
    (f === 'mine' && x.state !== 'done' && x.assignee === me) ||
    (f === 'unassigned' && x.state === 'open');

  app.get<{ Querystring: Body }>('/triage', async (req, reply) => {
    const filter = (FILTERS as readonly string[]).includes(req.query.filter ?? '')
      ? (req.query.filter as Filter)
      : 'open';
    const all = await listTriage(web);
    const staff = new Map((await web.svc.store.listStaff()).map((s) => [s.id, s.name]));
    return render(req, reply, 'triage-list', {
      title: t.triage!.title!,
      filter,
      filters: FILTERS.map((name) => ({ name, count: all.filter(keep(name, req.staff!.id)).length })),
      items: all.filter(keep(filter, req.staff!.id)).map((x) => ({
        ...x,
        at: jst(x.at).toFormat('yyyy-MM-dd HH:mm'),
        reason: reasonText(x.reason),
        assignee: x.assignee ? (staff.get(x.assignee) ?? '') : '',
      })),
    });
  });

  const show = async (
    req: Parameters<typeof render>[0],
    reply: Parameters<typeof render>[1],
    id: string,
    o: { notice?: string; error?: string; draft?: string; confirmFlagged?: boolean } = {},
  ) => {
    let item: TriageItem;
    try {
      item = await triageItem(web, id);
    } catch {
      return sendError(reply, req, 404, errorText('NOT_FOUND'));
    }
    const mails = await threadMails(web, item);
    const staff = await web.svc.store.listStaff();
    await auditConsole(web, req, 'P5', 'triage-view', { mail: item.id });
    return render(req, reply, 'triage-item', {
      title: `${t.triage!.item} ${item.id}`,
      item,
      at: jst(item.at).toFormat('yyyy-MM-dd HH:mm'),
      reason: reasonText(item.reason),
      assignee: staff.find((s) => s.id === item.assignee)?.name ?? '',
      mails,
      flagged: mails.some((m) => m.flagged),
      staff: staff.filter((s) => s.active),
      me_id: req.staff!.id,
      // One token per page shown: submitting the same reply twice sends it once.
      once: randomBytes(12).toString('base64url'),
      notice: o.notice ?? '',
      error: o.error ?? '',
      draft: o.draft ?? '',
      confirmFlagged: o.confirmFlagged ?? false,
    });
  };
  app.get<{ Params: { id: string }; Querystring: Body }>('/triage/:id', (req, reply) =>
    show(req, reply, req.params.id, req.query.done ? { notice: t.triage!.saved! } : {}),
  );
  // A file of the thread that passed the document checks; a refused one is never served.
  app.get<{ Params: { id: string; mail: string; n: string } }>(
    '/triage/:id/files/:mail/:n',
    async (req, reply) => {
      try {
        const item = await triageItem(web, req.params.id);
        const f = await triageFile(web, item, req.params.mail, Number(req.params.n), actorOf(req));
        return download(reply, f.filename, f.contentType, f.data);
      } catch (err) {
        if (!(err instanceof MadoguchiError)) throw err;
        return sendError(reply, req, err.code === 'FORBIDDEN' ? 403 : 404, errorText(err.code));
      }
    },
  );
  app.post<{ Params: { id: string; action: string }; Body: Body }>(
    '/triage/:id/:action',
    { preHandler: app.csrfProtection },
    async (req, reply) => {
      const { id, action } = req.params;
      const actor = actorOf(req);
      try {
        if (action === 'take') await takeTriage(web, id, req.staff!.id, actor);
        else if (action === 'assign') await assignTriage(web, id, req.body.to ?? req.staff!.id, actor);
        else if (action === 'done') await doneTriage(web, id, req.body.note ?? '', actor);
        else if (action === 'link') await linkTriage(web, id, (req.body.target ?? '').trim(), actor);
        else if (action === 'reply')
          await replyTriage(web, id, req.body.body ?? '', req.body.once ?? '', actor, {
            confirmFlagged: req.body.confirmFlagged === '1',
          });
        else return sendError(reply, req, 404, errorText('NOT_FOUND'));
      } catch (err) {
        if (!(err instanceof MadoguchiError)) throw err;
        if (err.code === 'NOT_FOUND') return sendError(reply, req, 404, errorText(err.code));
        // The page again, with what went wrong and what was typed (a flagged address asks first).
        reply.code(err.code === 'TRIAGE_TAKEN' ? 409 : 400);
        return show(req, reply, id, {
          error: errorText(err.code),
          draft: req.body.body ?? '',
          confirmFlagged: err.code === 'ADDRESS_FLAGGED',
        });
      }
      return reply.redirect(`/triage/${id}?done=1`, 303);
    },
  );
}
