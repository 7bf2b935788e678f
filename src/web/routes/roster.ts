import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Staff } from '../../bookings/model.js';
import { addStaff, findStaff, type StaffInput, updateStaff } from '../../bookings/staff.js';
import { MadoguchiError } from '../../errors.js';
import { adminOnly, auditConsole, render, sendError, type WebDeps } from '../server.js';
import { errorText, messagesFor } from '../views.js';

type Body = Record<string, string | undefined>;
const FIELDS = ['name', 'email', 'role', 'zoomId', 'zoomPasscode', 'availability', 'daysOff'] as const;

// "1=10:00-12:00,13:00-16:00; 3=10:00-12:00" <-> { "1": ["10:00-12:00", "13:00-16:00"], "3": [...] }
const availabilityText = (a: Staff['availability']) =>
  Object.entries(a)
    .map(([d, r]) => `${d}=${r.join(',')}`)
    .join('; ');
const availabilityOf = (text: string): Staff['availability'] =>
  Object.fromEntries(
    text
      .split(';')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        const [d = '', r = ''] = p.split('=');
        return [
          d.trim(),
          r
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean),
        ];
      }),
  );

const inputOf = (b: Body): StaffInput => ({
  name: b.name,
  email: b.email,
  zoomId: b.zoomId,
  zoomPasscode: b.zoomPasscode,
  availability: availabilityOf(b.availability ?? ''),
  daysOff: (b.daysOff ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean),
  role: b.role === 'admin' ? 'admin' : 'staff',
});

/** The roster (admins only): the same addStaff/updateStaff the CLI uses, and password links. */
export async function rosterRoutes(app: FastifyInstance, web: WebDeps) {
  const t = messagesFor();
  const audit = (action: string, staff: string, req: FastifyRequest) =>
    auditConsole(web, req, 'P4', action, { staff });

  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    o: { editing?: Staff; body?: Body; notice?: string; error?: string; link?: string } = {},
  ) => {
    const cur: Body =
      o.body ??
      (o.editing
        ? {
            name: o.editing.name,
            email: o.editing.email,
            zoomId: o.editing.zoomId,
            zoomPasscode: o.editing.zoomPasscode,
            availability: availabilityText(o.editing.availability),
            daysOff: o.editing.daysOff.join(','),
            role: o.editing.role ?? 'staff',
          }
        : { role: 'staff' });
    return render(req, reply.code(o.error ? 400 : 200), 'roster', {
      title: t.roster!.title!,
      staff: await web.svc.store.listStaff(),
      editing: o.editing?.id,
      action: o.editing ? `/staff/${o.editing.id}` : '/staff',
      fields: FIELDS.map((name) => ({
        name,
        label: t.roster![name] ?? name,
        value: String(cur[name] ?? ''),
      })),
      notice: o.notice ?? '',
      error: o.error ?? '',
      link: o.link ?? '',
    });
  };
  const fail = (err: unknown) => {
    if (!(err instanceof MadoguchiError)) throw err;
    return `${errorText(err.code)} ${err.message}`;
  };

  app.get('/staff', { preHandler: adminOnly }, (req, reply) => page(req, reply));
  app.get<{ Params: { id: string } }>('/staff/:id', { preHandler: adminOnly }, async (req, reply) => {
    const s = await web.svc.store.getStaff(req.params.id);
    return s ? page(req, reply, { editing: s }) : sendError(reply, req, 404, errorText('NOT_FOUND'));
  });
  app.post<{ Body: Body }>('/staff', { preHandler: [adminOnly, app.csrfProtection] }, async (req, reply) => {
    try {
      const s = await addStaff(web.svc.store, inputOf(req.body));
      await audit('staff-add', s.id, req);
      return page(req, reply, { editing: s, notice: t.roster!.done });
    } catch (err) {
      return page(req, reply, { body: req.body, error: fail(err) });
    }
  });
  app.post<{ Params: { id: string }; Body: Body }>(
    '/staff/:id',
    { preHandler: [adminOnly, app.csrfProtection] },
    async (req, reply) => {
      const cur = await web.svc.store.getStaff(req.params.id);
      if (!cur) return sendError(reply, req, 404, errorText('NOT_FOUND'));
      try {
        const s = await updateStaff(web.svc.store, cur.id, inputOf(req.body));
        await audit('staff-update', s.id, req);
        return page(req, reply, { editing: s, notice: t.roster!.done });
      } catch (err) {
        return page(req, reply, { editing: cur, body: req.body, error: fail(err) });
      }
    },
  );
  app.post<{ Params: { id: string } }>(
    '/staff/:id/deactivate',
    { preHandler: [adminOnly, app.csrfProtection] },
    async (req, reply) => {
      const cur = await findStaff(web.svc.store, req.params.id).catch(() => undefined);
      if (!cur) return sendError(reply, req, 404, errorText('NOT_FOUND'));
      const s = { ...cur, active: false };
      await web.svc.store.putStaff(s);
      await audit('staff-deactivate', s.id, req);
      return page(req, reply, { editing: s, notice: t.roster!.done });
    },
  );
  app.post<{ Params: { id: string } }>(
    '/staff/:id/password-link',
    { preHandler: [adminOnly, app.csrfProtection] },
    async (req, reply) => {
      const cur = await web.svc.store.getStaff(req.params.id);
      if (!cur) return sendError(reply, req, 404, errorText('NOT_FOUND'));
      const token = await web.accounts.linkToken(cur.id);
      await audit('password-link', cur.id, req);
      const origin = `${req.protocol}://${req.host}`;
      return page(req, reply, { editing: cur, link: `${origin}/set-password?token=${token}` });
    },
  );
}
