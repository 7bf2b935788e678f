import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Staff } from '../bookings/model.js';
import { CONFIG_DIR } from '../config/load.js';
import { listDocuments } from '../documents/queue.js';
import type { InboundDeps } from '../inbound/deps.js';
import { probe } from '../runtime/health.js';
import { metricsFrom } from '../runtime/metrics.js';
import { openTriage } from '../triage/queue.js';
import { Accounts } from './accounts.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { bookingRoutes } from './routes/bookings.js';
import { calendarRoutes } from './routes/calendar.js';
import { documentRoutes } from './routes/documents.js';
import { queueBoard } from './routes/queues-board.js';
import { rosterRoutes } from './routes/roster.js';
import { seekerRoutes } from './routes/seekers.js';
import { triageRoutes } from './routes/triage.js';
import { Sessions } from './sessions.js';
import { errorText, messagesFor, page } from './views.js';

export const SESSION_COOKIE = 'madoguchi_session';
const PROBES = ['/healthz', '/readyz', '/metrics'];

export interface WebDeps extends InboundDeps {
  accounts: Accounts;
  sessions: Sessions;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in staff member (set by the session check; its role decides admin pages). */
    staff?: Staff;
    /** Counts for the navigation: open triage, my new documents, quarantine (admins). */
    nav?: { triage: number; documents: number; quarantine?: number };
  }
}

const STATIC = path.join(path.dirname(CONFIG_DIR), 'templates', 'web');
const CSS = readFileSync(path.join(STATIC, 'app.css'));
const JS = readFileSync(path.join(STATIC, 'app.js'));

/** The staff console (issue #10) over the same service functions as the CLI. */
export async function buildWeb(deps: InboundDeps): Promise<FastifyInstance> {
  const cfg = deps.svc.ctx.config;
  const web: WebDeps = {
    ...deps,
    accounts: new Accounts(deps.svc.ctx.redis, cfg.connections.redisPrefix),
    sessions: new Sessions(
      deps.svc.ctx.redis,
      cfg.connections.redisPrefix,
      cfg.web.sessionIdleMinutes * 60_000,
      cfg.web.sessionMaxHours * 3_600_000,
    ),
  };
  const app = Fastify({ logger: false, trustProxy: false });
  await app.register(fastifyFormbody);
  // The cookie secret signs the CSRF secret's cookie; derived from storage.key, never stored.
  await app.register(fastifyCookie, {
    secret: createHmac('sha256', cfg.storage.key).update('web-cookie').digest('hex'),
  });
  const cookie = { httpOnly: true, sameSite: 'lax' as const, secure: !cfg.web.insecureCookies, path: '/' };
  await app.register(fastifyCsrf, { cookieOpts: { ...cookie, signed: true } });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // Plain http on a laptop (the demo) must not be told to upgrade to https.
    hsts: !cfg.web.insecureCookies,
  });
  await app.register(fastifyRateLimit, { global: false });

  app.get('/static/app.css', (_req, reply) => reply.type('text/css; charset=utf-8').send(CSS));
  app.get('/static/app.js', (_req, reply) => reply.type('text/javascript; charset=utf-8').send(JS));
  // Probes and metrics (issue #12), without sign-in: ids, counts and rule names only.
  for (const url of PROBES)
    app.get(url, async (req, reply) => {
      const [status, type, body] = (await probe(deps.svc.ctx, req.url))!;
      return reply.code(status).type(type).send(body);
    });
  metricsFrom(deps);

  // Who is asking: every page but sign-in and set-password needs a live session.
  app.addHook('preHandler', async (req, reply) => {
    const url = req.url.split('?')[0]!;
    if (url === '/signin' || url === '/set-password' || url.startsWith('/static/') || PROBES.includes(url))
      return;
    const sid = req.cookies[SESSION_COOKIE];
    const s = await web.sessions.get(sid);
    const staff = s ? await web.svc.store.getStaff(s.staffId) : undefined;
    if (!s || !staff?.active) {
      // After sign-in, back to the page (a form's page, for a post whose session had expired).
      const next = req.method === 'GET' ? req.url : (pathOf(req.headers.referer) ?? '/calendar');
      return reply.redirect(`/signin?next=${encodeURIComponent(next)}${sid ? '&expired=1' : ''}`, 303);
    }
    req.staff = staff;
    if (req.method === 'GET') req.nav = await navCounts(web, staff);
  });

  app.setErrorHandler((err, req, reply) => {
    const t = messagesFor();
    const code = (err as { code?: string }).code ?? '';
    if (code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET')
      return sendError(reply, req, 403, errorText('CSRF', t));
    if ((err as { statusCode?: number }).statusCode === 429)
      return sendError(reply, req, 429, errorText('RATE_LIMITED', t));
    deps.svc.ctx.log.error('web request failed', { err, route: req.routeOptions.url });
    return sendError(reply, req, 500, errorText('UNKNOWN', t));
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, req, 404, errorText('NOT_FOUND')));

  await authRoutes(app, web, cookie);
  await calendarRoutes(app, web);
  await bookingRoutes(app, web);
  await seekerRoutes(app, web);
  await rosterRoutes(app, web);
  await triageRoutes(app, web);
  await documentRoutes(app, web);
  await adminRoutes(app, web);
  await queueBoard(app, web);
  return app;
}

/** Who acts, for histories and the audit trail: the signed-in staff member's id. */
export const actorOf = (req: FastifyRequest) => `staff:${req.staff!.id}`;

/** One console audit entry (P4/P5): what a signed-in staff member did or looked at, ids only. */
export const auditConsole = (
  web: WebDeps,
  req: FastifyRequest,
  rule: string,
  action: string,
  ids: Record<string, string>,
) => web.store.audit({ rule, action, ...ids, actor: actorOf(req), outcome: 'ok', reason: 'console' });

/** The path of a same-site URL (the Referer of a form post), else undefined. */
function pathOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url, 'http://x');
    return u.pathname.startsWith('/') && !u.pathname.startsWith('//') ? u.pathname + u.search : undefined;
  } catch {
    return undefined;
  }
}

const meOf = (req: FastifyRequest) =>
  req.staff ? { me: { name: req.staff.name, role: req.staff.role ?? 'staff' }, nav: req.nav } : {};

/** What waits for this staff member, for the navigation (a few Redis reads per page). */
async function navCounts(web: WebDeps, staff: Staff) {
  const [triage, mine, quarantine] = await Promise.all([
    openTriage(web),
    listDocuments(web, { staffId: staff.id, state: 'new' }),
    staff.role === 'admin' ? web.store.redis.zcard(web.store.k('quarantine')) : undefined,
  ]);
  return {
    triage: triage.count,
    documents: mine.length,
    ...(quarantine !== undefined ? { quarantine } : {}),
  };
}

/** Admin pages: a staff member without the role is refused (403), whatever the URL. */
export const adminOnly = async (req: FastifyRequest, reply: FastifyReply) => {
  if (req.staff?.role !== 'admin') return sendError(reply, req, 403, errorText('FORBIDDEN'));
};

export function sendError(reply: FastifyReply, req: FastifyRequest, status: number, message: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(page('error', { title: String(status), message, ...meOf(req), csrf: reply.generateCsrf() }));
}

/** The page with the signed-in staff member and a fresh CSRF token. */
export function render(
  req: FastifyRequest,
  reply: FastifyReply,
  name: string,
  data: Record<string, unknown> & { title: string },
) {
  return reply
    .type('text/html; charset=utf-8')
    .send(page(name, { ...data, ...meOf(req), csrf: reply.generateCsrf() }));
}
