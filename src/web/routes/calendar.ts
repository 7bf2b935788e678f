import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import type { Booking } from '../../bookings/model.js';
import { bookingsOn, slots } from '../../bookings/service.js';
import { closedReason } from '../../domain/calendar.js';
import { jst, ZONE } from '../../domain/time.js';
import { render, type WebDeps } from '../server.js';
import { messagesFor } from '../views.js';

const CLOSED: Record<string, string> = {
  weekday: '土日',
  holiday: '祝日',
  'year-end': '年末年始',
  extra: '休業日',
};
export const dayLabel = (d: DateTime) => d.setLocale('ja').toFormat('M月d日(ccc)');

/** Names for a page: seekers and staff of the bookings shown (P5: staff only, never in URLs or logs). */
export async function namesFor(web: WebDeps, list: Booking[]) {
  const [staffList, seekerList] = await Promise.all([
    web.svc.store.listStaff(),
    web.svc.store.getSeekers([...new Set(list.map((b) => b.seekerId))]),
  ]);
  const staff = new Map(staffList.map((s) => [s.id, s.name]));
  const seekers = new Map(seekerList.map((s) => [s.id, s.name]));
  return { staff: (id: string) => staff.get(id) ?? id, seeker: (id: string) => seekers.get(id) ?? '' };
}

export async function calendarRoutes(app: FastifyInstance, web: WebDeps) {
  const t = messagesFor();
  const rules = web.svc.config.booking;
  app.get('/', (_req, reply) => reply.redirect('/calendar', 303));

  // Day and week views of B1-B3 slots with every booking; "mine" or "all"; today's next one on top.
  app.get<{ Querystring: { date?: string; view?: string; who?: string } }>(
    '/calendar',
    async (req, reply) => {
      const now = web.svc.clock.now();
      const q = DateTime.fromISO(req.query.date ?? '', { zone: ZONE });
      const date = (q.isValid ? q : now).startOf('day');
      const view = req.query.view === 'week' ? 'week' : 'day';
      const who = req.query.who === 'all' ? 'all' : 'mine';
      const first = view === 'week' ? date.startOf('week') : date;
      const dates = Array.from({ length: view === 'week' ? 7 : 1 }, (_, i) => first.plus({ days: i }));
      const mine = (b: Booking) => who === 'all' || b.staffId === req.staff!.id;

      const all = (await Promise.all(dates.map((d) => bookingsOn(web.svc, d.toISODate()!)))).flat();
      // Today's next consultation: from the days shown when today is one of them.
      const today = dates.some((d) => d.hasSame(now, 'day'))
        ? all.filter((b) => jst(b.start).hasSame(now, 'day'))
        : await bookingsOn(web.svc, now.toISODate()!);
      const names = await namesFor(web, [...all, ...today]);
      const free = new Map(
        (await slots(web.svc, first.toISODate()!, dates.at(-1)!.toISODate()!)).map((s) => [s.start, s.free]),
      );
      const days = dates.map((d) => {
        const closed = closedReason(d, rules);
        const ofDay = all.filter((b) => jst(b.start).hasSame(d, 'day') && mine(b));
        const starts = [...free.keys()].filter((k) => k.startsWith(d.toISODate()!));
        return {
          label: dayLabel(d),
          closed: closed ? CLOSED[closed] : undefined,
          slots: starts.map((k) => ({
            slot: k,
            time: k.slice(11),
            free: free.get(k) ?? 0,
            bookable: DateTime.fromISO(k, { zone: ZONE }) > now,
            bookings: ofDay
              .filter((b) => jst(b.start).toFormat("yyyy-MM-dd'T'HH:mm") === k)
              .map((b) => ({
                id: b.id,
                status: b.status,
                seeker: names.seeker(b.seekerId),
                staff: names.staff(b.staffId),
              })),
          })),
        };
      });
      const next = today.find((b) => b.status === 'booked' && jst(b.start) > now && mine(b));
      const link = (o: Record<string, string>) =>
        `/calendar?${new URLSearchParams({ date: date.toISODate()!, view, who, ...o })}`;
      const step = { days: view === 'week' ? 7 : 1 };
      return render(req, reply, 'calendar', {
        title: t.calendar!.title!,
        view,
        who,
        days,
        nextUp: next && {
          id: next.id,
          time: jst(next.start).toFormat('HH:mm'),
          seeker: names.seeker(next.seekerId),
          staff: names.staff(next.staffId),
        },
        links: {
          prev: link({ date: date.minus(step).toISODate()! }),
          next: link({ date: date.plus(step).toISODate()! }),
          today: link({ date: now.toISODate()! }),
          day: link({ view: 'day' }),
          week: link({ view: 'week' }),
          mine: link({ who: 'mine' }),
          all: link({ who: 'all' }),
        },
      });
    },
  );
}
