import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BookingServices, bookingServices } from '../../src/bookings/deps.js';
import { notifyBooking } from '../../src/bookings/notify.js';
import { cancel } from '../../src/bookings/service.js';
import { PrivateRedis } from '../../src/devstack/redis.js';
import type { SinkMessage, SmtpSink } from '../../src/devstack/smtp-sink.js';
import { sentKeyFor } from '../../src/outbox/queue.js';
import { startOutbox } from '../../src/outbox/worker.js';
import { type Context, createContext } from '../../src/runtime/context.js';
import { openDay, seekerWithBooking } from '../helpers/inbound.js';
import { kill9, spawnService } from '../helpers/processes.js';
import { FAST_TAKEOVER, startSink, testConfig, testEnv, withSettings } from '../helpers/stack.js';

const invites = (sink: SmtpSink, to: string, method: string) =>
  sink.messages.filter((m: SinkMessage) => m.to.includes(to) && m.raw.includes(`method=${method}`));

const settle = () => new Promise((r) => setTimeout(r, 1500));

describe('a killed outbox worker never sends an invite twice, nor loses it', () => {
  let sink: SmtpSink;
  let env: Record<string, string>;
  let ctx: Context;
  let svc: BookingServices;
  beforeAll(async () => {
    sink = await startSink();
    env = withSettings(testEnv({ smtpUrl: sink.url }), FAST_TAKEOVER);
    ctx = createContext(testConfig(env));
    svc = bookingServices(ctx);
  });
  afterAll(async () => {
    await svc.close();
    await ctx.close();
    await sink.stop();
  });

  it('SIGKILL while the SMTP transaction is open: the next worker sends it, exactly once', async () => {
    const seeker = 'killed@example.jp';
    let held!: () => void;
    const reached = new Promise<void>((r) => {
      held = r;
    });
    let first = true;
    sink.onRecipient = (addr) => {
      if (addr !== seeker || !first) return undefined;
      first = false;
      held();
      return new Promise<void>(() => {}); // never answers: the worker dies waiting
    };
    const a = await spawnService(['outbox'], env);
    const { booking, staffEmail } = await seekerWithBooking(
      svc,
      seeker,
      `${openDay(ctx, 7).toISODate()}T10:00`,
      undefined,
      false,
    );
    await notifyBooking(svc, booking.id);
    await reached;
    await kill9(a);
    const b = await spawnService(['outbox'], env);
    try {
      await sink.waitFor((m) => m.to.includes(seeker), 20_000);
      await sink.waitFor((m) => m.to.includes(staffEmail), 20_000);
      await settle();
      expect(invites(sink, seeker, 'REQUEST')).toHaveLength(1);
      expect(invites(sink, staffEmail, 'REQUEST')).toHaveLength(1);
    } finally {
      sink.onRecipient = undefined;
      await kill9(b);
    }
  });

  it('a second worker on a re-queued, already-sent invite does not send it again', async () => {
    const seeker = 'twice@example.jp';
    const a = await spawnService(['outbox'], env);
    const { booking } = await seekerWithBooking(
      svc,
      seeker,
      `${openDay(ctx, 7).toISODate()}T10:30`,
      undefined,
      false,
    );
    await notifyBooking(svc, booking.id);
    await sink.waitFor((m) => m.to.includes(seeker), 20_000);
    // Killed once the send is recorded. (Killed between the server's commit and that record, a
    // retry would resend: SMTP cannot tell a lost 250 from a lost message, RFC 5321 4.1.1.4. The
    // copy would carry the same Message-ID, UID and SEQUENCE, which clients treat as one.)
    for (let i = 0; i < 100 && !(await ctx.redis.exists(sentKeyFor(ctx, `${booking.id}.0.seeker`))); i++)
      await new Promise((r) => setTimeout(r, 50));
    await kill9(a);
    // Replay everything a crash could replay: the notification step and the queued jobs.
    await notifyBooking(svc, booking.id);
    for (const job of await svc.outbox.getJobs(['completed'])) {
      if (job.data.refs.booking === booking.id) await job.retry('completed');
    }
    const b = await spawnService(['outbox'], env);
    try {
      await settle();
      expect(invites(sink, seeker, 'REQUEST')).toHaveLength(1);
    } finally {
      await kill9(b);
    }
  });
});

describe('a Redis restart loses no booking and no invite, and sends none twice', () => {
  let sink: SmtpSink;
  let redis: PrivateRedis;
  let ctx: Context;
  beforeAll(async () => {
    sink = await startSink();
    redis = new PrivateRedis(mkdtempSync(path.join(inject('tmpRoot'), 'redis-restart-')));
    await redis.start();
    ctx = createContext(
      testConfig(
        withSettings(testEnv({ smtpUrl: sink.url, extra: { REDIS_URL: redis.url } }), FAST_TAKEOVER),
      ),
    );
  });
  afterAll(async () => {
    await ctx.close();
    await redis.stop();
    await sink.stop();
  });

  it('Redis killed (SIGKILL) with an invite in flight and a booking just made', async () => {
    const outbox = await startOutbox(ctx);
    const svc = bookingServices(ctx);
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let reached!: () => void;
      const inFlight = new Promise<void>((r) => {
        reached = r;
      });
      sink.onRecipient = (addr) => {
        if (addr !== 'restart@example.jp') return undefined;
        reached();
        return gate;
      };
      const { booking, staffEmail } = await seekerWithBooking(
        svc,
        'restart@example.jp',
        `${openDay(ctx, 8).toISODate()}T13:00`,
        undefined,
        false,
      );
      await notifyBooking(svc, booking.id);
      await inFlight;
      await redis.restart('SIGKILL'); // AOF: acknowledged writes survive a crash of the process
      release();
      await sink.waitFor((m) => m.to.includes('restart@example.jp'), 20_000);
      // The booking survived, and the service works on the new Redis: cancel it.
      expect((await svc.store.getBooking(booking.id))?.status).toBe('booked');
      await cancel(svc, booking.id, 'phone', 'test');
      await notifyBooking(svc, booking.id);
      await sink.waitFor(
        (m) => m.to.includes('restart@example.jp') && m.raw.includes('method=CANCEL'),
        20_000,
      );
      await settle();
      expect(invites(sink, 'restart@example.jp', 'REQUEST')).toHaveLength(1);
      expect(invites(sink, staffEmail, 'REQUEST')).toHaveLength(1);
      expect(invites(sink, 'restart@example.jp', 'CANCEL')).toHaveLength(1);
    } finally {
      sink.onRecipient = undefined;
      await svc.close();
      await outbox.close();
    }
  });
});
