import type { FastifyInstance } from 'fastify';
import { passwordProblem } from '../accounts.js';
import { render, SESSION_COOKIE, type WebDeps } from '../server.js';
import { messagesFor } from '../views.js';

type Body = Record<string, string | undefined>;
// Only a path on this site (never //host or a scheme): an open redirect would make a phishing link.
const safeNext = (n: string | undefined) => (n && /^\/(?!\/)[\w\-./?=&%]*$/.test(n) ? n : '/calendar');

export async function authRoutes(
  app: FastifyInstance,
  web: WebDeps,
  cookie: { httpOnly: boolean; sameSite: 'lax'; secure: boolean; path: string },
) {
  const t = messagesFor();
  const cfg = web.svc.ctx.config.web;
  const audit = (action: string, outcome: string, actor: string) =>
    web.store.audit({ rule: 'P4', action, actor, outcome, reason: 'console' });

  app.get<{ Querystring: Body }>('/signin', (req, reply) =>
    render(req, reply, 'signin', {
      title: t.signin!.title!,
      next: safeNext(req.query.next),
      email: '',
      ...(req.query.expired ? { notice: t.signin!.expired } : {}),
    }),
  );

  app.post<{ Body: Body }>(
    '/signin',
    {
      preHandler: app.csrfProtection,
      config: { rateLimit: { max: cfg.signInPerMinute, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const email = (req.body.email ?? '').trim().toLowerCase();
      const next = safeNext(req.body.next);
      const again = (error: string) =>
        render(req, reply.code(401), 'signin', { title: t.signin!.title!, next, email, error });
      if ((await web.accounts.failures(email)) >= cfg.signInAttempts) {
        await audit('signin-locked', 'refused', 'anonymous');
        return again(t.signin!.locked!);
      }
      const id = email ? await web.svc.store.staffIdByEmail(email) : undefined;
      const staff = id ? await web.svc.store.getStaff(id) : undefined;
      const ok = !!staff?.active && (await web.accounts.check(staff.id, req.body.password ?? ''));
      if (!ok || !staff) {
        await web.accounts.failed(email, cfg.lockoutMinutes * 60);
        await audit('signin-failed', 'refused', staff?.id ?? 'anonymous');
        return again(t.signin!.failed!);
      }
      await web.accounts.clearFailures(email);
      await web.sessions.destroy(req.cookies[SESSION_COOKIE]); // a fresh id at sign-in (fixation)
      const sid = await web.sessions.create({ staffId: staff.id, role: staff.role ?? 'staff' });
      await audit('signin', 'ok', staff.id);
      return reply.setCookie(SESSION_COOKIE, sid, cookie).redirect(next, 303);
    },
  );

  app.post('/signout', { preHandler: app.csrfProtection }, async (req, reply) => {
    await web.sessions.destroy(req.cookies[SESSION_COOKIE]);
    await audit('signout', 'ok', req.staff?.id ?? 'anonymous');
    return reply.clearCookie(SESSION_COOKIE, { path: '/' }).redirect('/signin', 303);
  });

  app.get<{ Querystring: Body }>('/set-password', async (req, reply) => {
    const token = req.query.token ?? '';
    const valid = !!(await web.accounts.peekToken(token));
    return render(req, reply, 'set-password', {
      title: t.password!.title!,
      token,
      valid,
      ...(valid ? {} : { error: t.password!.invalid }),
    });
  });

  app.post<{ Body: Body }>(
    '/set-password',
    {
      preHandler: app.csrfProtection,
      config: { rateLimit: { max: cfg.signInPerMinute, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const token = req.body.token ?? '';
      const pw = req.body.password ?? '';
      const problem = passwordProblem(pw) ?? (pw !== req.body.again ? t.password!.mismatch : undefined);
      if (problem)
        return render(req, reply.code(400), 'set-password', {
          title: t.password!.title!,
          token,
          valid: true,
          error: problem,
        });
      const staffId = await web.accounts.useToken(token);
      if (!staffId)
        return render(req, reply.code(400), 'set-password', {
          title: t.password!.title!,
          token,
          valid: false,
          error: t.password!.invalid,
        });
      await web.accounts.setPassword(staffId, pw);
      await audit('set-password', 'ok', staffId);
      return render(req, reply, 'signin', {
        title: t.signin!.title!,
        next: '/calendar',
        email: '',
        notice: t.password!.done,
      });
    },
  );
}
