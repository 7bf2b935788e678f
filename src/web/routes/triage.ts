import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { jst } from '../../domain/time.js';
import { MadoguchiError } from '../../errors.js';
import { ownWords } from '../../inbound/intent.js';
import {
  assignTriage,
  doneTriage,
  linkTriage,
  listTriage,
  replyTriage,
  type TriageItem,
  triageItem,
  triageMail,
} from '../../triage/queue.js';
import { actorOf, auditConsole, render, sendError, type WebDeps } from '../server.js';
import { errorText, messagesFor } from '../views.js';

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
  const reasonText = (r: string) => t.reasons?.[r] ?? r;
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
    notice = '',
  ) => {
    let item: TriageItem;
    try {
      item = await triageItem(web, id);
    } catch {
      return sendError(reply, req, 404, errorText('NOT_FOUND'));
    }
    const mail = await triageMail(web, item);
    const own = ownWords(mail.text);
    const staff = await web.svc.store.listStaff();
    await auditConsole(web, req, 'P5', 'triage-view', { mail: item.id });
    return render(req, reply, 'triage-item', {
      title: `${t.triage!.item} ${item.id}`,
      item,
      at: jst(item.at).toFormat('yyyy-MM-dd HH:mm'),
      reason: reasonText(item.reason),
      assignee: staff.find((s) => s.id === item.assignee)?.name ?? '',
      mail,
      own,
      quoted: mail.text.slice(own.length).trim(),
      headers: mail.headers,
      staff: staff.filter((s) => s.active),
      me_id: req.staff!.id,
      // One token per page shown: submitting the same reply twice sends it once.
      once: randomBytes(12).toString('base64url'),
      notice,
    });
  };
  app.get<{ Params: { id: string }; Querystring: Body }>('/triage/:id', (req, reply) =>
    show(req, reply, req.params.id, req.query.done ? t.triage!.saved! : ''),
  );
  app.post<{ Params: { id: string; action: string }; Body: Body }>(
    '/triage/:id/:action',
    { preHandler: app.csrfProtection },
    async (req, reply) => {
      const { id, action } = req.params;
      const actor = actorOf(req);
      try {
        if (action === 'assign') await assignTriage(web, id, req.body.to ?? req.staff!.id, actor);
        else if (action === 'done') await doneTriage(web, id, req.body.note ?? '', actor);
        else if (action === 'link') await linkTriage(web, id, (req.body.target ?? '').trim(), actor);
        else if (action === 'reply')
          await replyTriage(web, id, req.body.body ?? '', req.body.once ?? '', actor);
        else return sendError(reply, req, 404, errorText('NOT_FOUND'));
      } catch (err) {
        if (!(err instanceof MadoguchiError)) throw err;
        return sendError(reply, req, err.code === 'NOT_FOUND' ? 404 : 400, errorText(err.code));
      }
      return reply.redirect(`/triage/${id}?done=1`, 303);
    },
  );
}
