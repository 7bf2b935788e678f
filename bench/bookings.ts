import { createEvent } from 'ics';
import { DateTime } from 'luxon';
import { createSmtpTransport } from '../src/adapters/smtp.js';
import { bookingServices } from '../src/bookings/deps.js';
import { book } from '../src/bookings/service.js';
import { addStaff } from '../src/bookings/staff.js';
import { loadConfig } from '../src/config/load.js';
import { slotsOn } from '../src/domain/calendar.js';
import { ZONE } from '../src/domain/time.js';
import { inviteMail } from '../src/invites/messages.js';
import { createContext } from '../src/runtime/context.js';
import type { Bench } from './registry.js';
import { benchVars } from './stack.js';

const STAFF = 20;
const INVITES = 300;

/** Bookings/s through the full rule check + atomic Lua claim, beside raw HSETNX; invites rendered and sent/s beside raw ics + nodemailer. */
export const bookingsBench: Bench = {
  name: `bookings and invitations (${STAFF} staff, private Redis, in-process SMTP sink)`,
  async run(env) {
    const { sink } = env;
    const config = loadConfig({ env: benchVars(env) });
    const ctx = createContext(config);
    const svc = bookingServices(ctx, { now: () => DateTime.fromISO('2026-11-26T13:00', { zone: ZONE }) });
    for (let i = 0; i < STAFF; i++) {
      await addStaff(svc.store, {
        name: `職員${i}`,
        email: `s${i}@madoguchi.localhost`,
        zoomId: `1234567${String(i).padStart(4, '0')}`,
        zoomPasscode: 'p',
      });
    }
    const slots: string[] = [];
    for (
      let d = DateTime.fromISO('2026-12-01', { zone: ZONE });
      slots.length < 200;
      d = d.plus({ days: 1 })
    ) {
      for (const s of slotsOn(d, config.booking)) slots.push(s.toFormat("yyyy-MM-dd'T'HH:mm"));
    }
    const N = slots.length * 5;
    let t0 = performance.now();
    for (let i = 0; i < N; i++)
      await ctx.redis.hsetnx(
        `baseline:slot:${i % slots.length}`,
        `st${Math.floor(i / slots.length)}`,
        `b${i}`,
      );
    const rawSecs = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const made = [];
    for (let i = 0; i < N; i++) {
      made.push(
        await book(svc, {
          seekerNumber: `01020-${String(10000000 + i)}`,
          name: `求職者${i}`,
          birthdate: '1990-01-01',
          email: `k${i}@example.jp`,
          phone: '09012345678',
          at: slots[i % slots.length]!,
          topic: '履歴書',
          actor: 'bench',
        }),
      );
    }
    const bookSecs = (performance.now() - t0) / 1000;

    // Invites: render (templates + ics + repairs) and send, vs raw ics.createEvent + nodemailer.
    const transport = createSmtpTransport({ connections: { smtpUrl: sink.url } }); // plain nodemailer, pooled
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: INVITES }, (_, i) => {
        const { value } = createEvent({
          start: Date.UTC(2026, 11, 1, 1, 0),
          duration: { minutes: 30 },
          title: '相談',
          uid: `u${i}`,
          method: 'REQUEST',
        });
        return transport.sendMail({
          from: 'consult@madoguchi.localhost',
          to: 'x@example.jp',
          subject: '相談',
          text: '本文',
          icalEvent: { method: 'REQUEST', content: value! },
        });
      }),
    );
    const rawInviteSecs = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await Promise.all(
      made.slice(0, INVITES).map(async ({ booking }) => {
        const [seeker, staff] = await Promise.all([
          svc.store.getSeeker(booking.seekerId),
          svc.store.getStaff(booking.staffId),
        ]);
        const m = inviteMail({ config, booking, seeker: seeker!, staff: staff! }, 'REQUEST', 'seeker');
        return transport.sendMail({
          ...m,
          alternatives: [
            { contentType: 'text/calendar; charset=utf-8; method=REQUEST', content: m.icalEvent!.content },
          ],
        });
      }),
    );
    const inviteSecs = (performance.now() - t0) / 1000;
    transport.close();
    await svc.close();
    await ctx.close();
    return [
      { label: `baseline: raw HSETNX claims/s (${N})`, value: (N / rawSecs).toFixed(0) },
      { label: `madoguchi book() bookings/s (${N}, sequential)`, value: (N / bookSecs).toFixed(0) },
      {
        label: `baseline: raw ics + nodemailer invites/s (${INVITES})`,
        value: (INVITES / rawInviteSecs).toFixed(0),
      },
      { label: `madoguchi invites rendered + sent/s (${INVITES})`, value: (INVITES / inviteSecs).toFixed(0) },
    ];
  },
};
