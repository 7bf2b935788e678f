import { DateTime } from 'luxon';
import { type BookingServices, bookingServices } from '../../src/bookings/deps.js';
import { notifyBooking } from '../../src/bookings/notify.js';
import { book } from '../../src/bookings/service.js';
import { addStaff } from '../../src/bookings/staff.js';
import type { SmtpSink } from '../../src/devstack/smtp-sink.js';
import { closedReason } from '../../src/domain/calendar.js';
import { ZONE } from '../../src/domain/time.js';
import { InboundStore } from '../../src/inbound/store.js';
import { type Context, createContext } from '../../src/runtime/context.js';
import { type Handle, PROCESSES } from '../../src/runtime/processes.js';
import { listMailbox } from './imap.js';
import { TRUSTED_MX } from './mail.js';
import { FAST_TAKEOVER, imapUrl, startSink, testConfig, testEnv, withSettings } from './stack.js';

export const INBOUND_SETTINGS = {
  ...FAST_TAKEOVER,
  inbound: { trustedAuthservId: TRUSTED_MX, sweepSeconds: 2, leaseSeconds: 3 },
};

export interface InboundStack {
  user: string;
  env: Record<string, string>;
  sink: SmtpSink;
  ctx: Context;
  svc: BookingServices;
  store: InboundStore;
  handles: Handle[];
  stop(): Promise<void>;
}

/** The whole inbound path for one Dovecot user: watcher, inbound worker and outbox, in process. */
export async function inboundStack(
  user: string,
  processes = ['outbox', 'inbound', 'watcher'],
  opts: { imapUrl?: string; settings?: Record<string, unknown>; extra?: Record<string, string> } = {},
): Promise<InboundStack> {
  const sink = await startSink();
  const base = testEnv({
    smtpUrl: sink.url,
    imapUser: user,
    extra: { ...(opts.imapUrl ? { IMAP_URL: opts.imapUrl } : {}), ...opts.extra },
  });
  const env = withSettings(base, { ...INBOUND_SETTINGS, ...opts.settings });
  const ctx = createContext(testConfig(env));
  const svc = bookingServices(ctx);
  const handles: Handle[] = [];
  for (const p of processes) handles.push(await PROCESSES[p]!(ctx));
  return {
    user,
    env,
    sink,
    ctx,
    svc,
    store: new InboundStore(ctx.redis, ctx.config.connections.redisPrefix),
    handles,
    async stop() {
      for (const h of handles.reverse()) await h.close();
      await svc.close();
      await ctx.close();
      await sink.stop();
    },
  };
}

/**
 * An open office day (JST) `days` away from today, moving further out until one is open: Dovecot
 * clamps a future INTERNALDATE to now, so a mail "received on the day" must lie in the past, and
 * so must its booking.
 */
export function openDay(ctx: Context, days: number): DateTime {
  const step = days < 0 ? -1 : 1;
  let d = DateTime.now().setZone(ZONE).startOf('day').plus({ days });
  while (closedReason(d, ctx.config.booking)) d = d.plus({ days: step });
  return d;
}

let staffCounter = 0;
/**
 * A staff member and one booking for `email` at `at` (JST 'YYYY-MM-DDTHH:mm'), invitations sent.
 * Booked as if two weeks earlier, so a booking in the past is still a valid one.
 */
export async function seekerWithBooking(
  svc: BookingServices,
  email: string,
  at: string,
  seekerNumber?: string,
  notify = true,
) {
  const then = DateTime.fromISO(at, { zone: ZONE }).minus({ days: 14 });
  const past = bookingServices(svc.ctx, { now: () => then });
  const staffEmail = `staff${++staffCounter}-${Date.now()}@madoguchi.localhost`;
  await addStaff(svc.store, {
    name: '佐藤 花子',
    email: staffEmail,
    zoomId: '12345678901',
    zoomPasscode: 'p',
  });
  const { booking } = await book(past, {
    seekerNumber: seekerNumber ?? `01020-${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    name: '田中 次郎',
    birthdate: '1985-01-01',
    email,
    phone: '0134-00-0000',
    at,
    topic: '職務経歴書',
    actor: 'test',
  });
  await past.close();
  if (notify) await notifyBooking(svc, booking.id);
  // B9 may assign someone else (the least-loaded staff member): report who it is.
  return { booking, staffEmail: (await svc.store.getStaff(booking.staffId))?.email ?? staffEmail };
}

/** Where a mail (by Message-ID) ended up, once it left INBOX. */
export async function waitHandled(
  user: string,
  messageId: string,
  timeoutMs = 20_000,
): Promise<'Processed' | 'Quarantine'> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const box of ['Processed', 'Quarantine'] as const) {
      if ((await listMailbox(user, box)).some((m) => m.messageId === messageId)) return box;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const seen = await Promise.all(['INBOX', 'Processed', 'Quarantine'].map((b) => listMailbox(user, b)));
  throw new Error(
    `mail ${messageId} not handled within ${timeoutMs} ms; INBOX/Processed/Quarantine hold ${JSON.stringify(seen.map((l) => l.map((m) => m.messageId)))}`,
  );
}

export { imapUrl };
