import type { FastifyInstance } from 'fastify';
import { addStaff } from '../../src/bookings/staff.js';
import type { BookingStore } from '../../src/bookings/store.js';
import type { Context } from '../../src/runtime/context.js';
import { Accounts } from '../../src/web/accounts.js';

/** A browser-like client over Fastify's inject(): keeps cookies, reads the page's CSRF token. */
interface Res {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

export function webClient(app: FastifyInstance) {
  const jar = new Map<string, string>();
  let csrf = '';
  const remember = (res: Res): Res => {
    const set = res.headers['set-cookie'];
    for (const c of (Array.isArray(set) ? set : set ? [set] : []) as string[]) {
      const pair = c.split(';')[0]!;
      const k = pair.slice(0, pair.indexOf('='));
      const v = pair.slice(pair.indexOf('=') + 1);
      if (/Expires=Thu, 01 Jan 1970/i.test(c) || v === '') jar.delete(k);
      else jar.set(k, v);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) csrf = token;
    return res;
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  return {
    jar,
    get csrf() {
      return csrf;
    },
    async get(url: string) {
      return remember(await app.inject({ method: 'GET', url, headers: { cookie: cookie() } }));
    },
    async post(url: string, form: Record<string, string>, opts: { csrf?: boolean } = {}) {
      const body = new URLSearchParams({ ...(opts.csrf === false ? {} : { _csrf: csrf }), ...form });
      return remember(
        await app.inject({
          method: 'POST',
          url,
          headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: body.toString(),
        }),
      );
    },
  };
}

/** A webClient already signed in as `email`. */
export async function signedIn(app: FastifyInstance, email: string, password: string) {
  const c = webClient(app);
  await c.get('/signin');
  await c.post('/signin', { email, password });
  return c;
}

/** A staff member (a Zoom room of their own) who can sign in to the console with `password`. */
export async function staffWithPassword(
  s: { svc: { store: BookingStore }; ctx: Context },
  who: { name: string; email: string; role?: 'admin' },
  password: string,
) {
  const st = await addStaff(s.svc.store, { ...who, zoomId: '12345678901', zoomPasscode: 'p' });
  await new Accounts(s.ctx.redis, s.ctx.config.connections.redisPrefix).setPassword(st.id, password);
  return st;
}
