import { DateTime } from 'luxon';
import { bookingServices } from '../src/bookings/deps.js';
import { book } from '../src/bookings/service.js';
import { addStaff } from '../src/bookings/staff.js';
import { loadConfig } from '../src/config/load.js';
import { slotsOn } from '../src/domain/calendar.js';
import { ZONE } from '../src/domain/time.js';
import { inboundDeps } from '../src/inbound/deps.js';
import { createContext } from '../src/runtime/context.js';
import { Accounts } from '../src/web/accounts.js';
import { buildWeb } from '../src/web/server.js';
import { webClient } from '../test/helpers/web.js';
import type { Bench } from './registry.js';
import { benchVars } from './stack.js';

const N = 200;
const STAFF = 10;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/**
 * Issue #10: the phone booking form's POST (session, CSRF, every rule, the atomic claim, the
 * notifications queued, the confirmation page) from submit to booking saved, over 200 sequential
 * bookings, beside the same number of raw book() calls in the same run. In process (Fastify
 * inject), so the figure is the server's, not a network's.
 */
export const consoleBench: Bench = {
  name: `console: the booking form POST, ${N} sequential bookings (${STAFF} staff)`,
  async run(env) {
    const config = loadConfig({ env: { ...benchVars(env), MADOGUCHI_REDIS_PREFIX: 'benchweb' } });
    const ctx = createContext(config);
    const clock = { now: () => DateTime.fromISO('2026-11-26T13:00', { zone: ZONE }) };
    const deps = inboundDeps(ctx, { clock });
    const accounts = new Accounts(ctx.redis, config.connections.redisPrefix);
    for (let i = 0; i < STAFF; i++) {
      const s = await addStaff(deps.svc.store, {
        name: `職員${i}`,
        email: `w${i}@madoguchi.localhost`,
        zoomId: `1234567${String(i).padStart(4, '0')}`,
        zoomPasscode: 'p',
      });
      if (i === 0) await accounts.setPassword(s.id, 'bench password 0');
    }
    const slots: string[] = [];
    for (
      let d = DateTime.fromISO('2026-12-01', { zone: ZONE });
      slots.length < (2 * N) / STAFF + 10;
      d = d.plus({ days: 1 })
    )
      for (const s of slotsOn(d, config.booking)) slots.push(s.toFormat("yyyy-MM-dd'T'HH:mm"));
    const input = (i: number) => ({
      seekerNumber: `01020-${String(20000000 + i)}`,
      name: `求職者${i}`,
      birthdate: '1990-01-01',
      email: `web${i}@example.jp`,
      phone: '09012345678',
      slot: slots[i % slots.length]!,
      topic: '履歴書',
    });

    const raw: number[] = [];
    const svc = bookingServices(ctx, clock);
    for (let i = 0; i < N; i++) {
      const f = input(i);
      const t0 = performance.now();
      await book(svc, { ...f, at: f.slot, actor: 'bench' });
      raw.push(performance.now() - t0);
    }
    await svc.close();

    const app = await buildWeb(deps);
    const c = webClient(app);
    await c.get('/signin');
    await c.post('/signin', { email: 'w0@madoguchi.localhost', password: 'bench password 0' });
    await c.get('/book');
    const web: number[] = [];
    for (let i = N; i < 2 * N; i++) {
      const t0 = performance.now();
      const res = await c.post('/book', { ...input(i), step: 'confirm' });
      web.push(performance.now() - t0);
      if (!res.body.includes('booking-link')) throw new Error(`form booking ${i} failed: ${res.statusCode}`);
    }
    await app.close();
    await deps.svc.close();
    await ctx.close();
    const f = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms`;
    return [
      { label: 'baseline: book() + nothing else', value: f(raw) },
      { label: 'madoguchi: form POST → booking saved (target p99 ≤ 100 ms)', value: f(web) },
    ];
  },
};
