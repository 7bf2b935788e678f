import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import type { Booking } from '../../bookings/model.js';
import { notifyBooking } from '../../bookings/notify.js';
import {
  attend,
  type BookInput,
  book,
  cancel,
  cancellingMail,
  checkBooking,
  markNoShow,
  reschedule,
  slots,
} from '../../bookings/service.js';
import type { RefusalReason } from '../../documents/checks.js';
import { refusalJa } from '../../documents/messages.js';
import { normaliseSeekerNumber } from '../../domain/seeker-number.js';
import { formatJaRange, jst, ZONE } from '../../domain/time.js';
import { MadoguchiError } from '../../errors.js';
import { reinstateBooking } from '../../inbound/reinstate.js';
import { triageForBooking } from '../../triage/queue.js';
import { actorOf, render, sendError, type WebDeps } from '../server.js';
import { errorText, messagesFor } from '../views.js';
import { dayLabel, namesFor } from './calendar.js';

type Body = Record<string, string | undefined>;
const FIELDS = [
  ['seekerNumber', 'text'],
  ['name', 'text'],
  ['birthdate', 'date'],
  ['email', 'email'],
  ['phone', 'tel'],
  ['slot', 'select'],
  ['topic', 'text'],
] as const;
const FIELD_TEXT: Record<string, string> = {
  seekerNumber: '求職番号は「5桁-4〜8桁」で入力してください（例: 01020-12345678）。',
  name: '氏名を入力してください。',
  birthdate: '生年月日を正しく入力してください。',
  email: 'メールアドレスを正しく入力してください。',
  phone: '電話番号（10〜11桁）を入力してください。',
  topic: '相談内容を入力してください。',
};
const CONTROL_TEXT = '改行や制御文字、文字の向きを変える文字は使えません。1行で入力してください。';

/** Free slots from now on, for a select (as `slots` computes them from the roster). */
async function freeSlots(web: WebDeps, days = 28) {
  const now = web.svc.clock.now();
  const list = await slots(web.svc, now.toISODate()!, now.plus({ days }).toISODate()!);
  return list
    .filter((s) => s.free > 0 && DateTime.fromISO(s.start, { zone: ZONE }) > now)
    .map((s) => {
      const d = DateTime.fromISO(s.start, { zone: ZONE });
      return { value: s.start, label: `${dayLabel(d)} ${d.toFormat('HH:mm')}（空き${s.free}）` };
    });
}

const inputOf = (b: Body, actor: string): BookInput => ({
  seekerNumber: b.seekerNumber ?? '',
  name: b.name ?? '',
  birthdate: b.birthdate ?? '',
  email: b.email ?? '',
  phone: b.phone ?? '',
  at: b.slot ?? '',
  topic: b.topic ?? '',
  actor,
  ...(b.override === '1' ? { overrideLeadTime: { reason: b.reason ?? '' } } : {}),
});

const versionOf = (b: Booking) => `${b.sequence}-${b.status}`;

export async function bookingRoutes(app: FastifyInstance, web: WebDeps) {
  const t = messagesFor();

  const form = async (req: FastifyRequest, reply: FastifyReply, body: Body, err?: unknown) => {
    const e = err instanceof MadoguchiError ? err : undefined;
    // SEEKER_INVALID says which field each problem is about (validateSeeker's `fields`).
    const fields = (e?.details?.fields ?? {}) as Record<string, 'control' | 'invalid'>;
    const fieldError = (name: string) =>
      fields[name] === 'control' ? CONTROL_TEXT : fields[name] ? (FIELD_TEXT[name] ?? '') : '';
    const slotList = await freeSlots(web);
    return render(req, reply.code(err ? 400 : 200), 'book', {
      title: t.book!.title!,
      fields: FIELDS.map(([name, type]) => ({
        name,
        type,
        value: body[name] ?? '',
        error: fieldError(name),
      })),
      slots:
        body.slot && !slotList.some((s) => s.value === body.slot)
          ? [{ value: body.slot, label: body.slot }, ...slotList]
          : slotList,
      error: e ? errorText(e.code) : err ? errorText('UNKNOWN') : '',
      referral: e?.code === 'OUT_OF_SCOPE' ? String(e.details?.referralText ?? '') : '',
      offerOverride: e?.code === 'LEAD_TIME' || body.override === '1',
      override: body.override === '1',
      reason: body.reason ?? '',
    });
  };

  app.get<{ Querystring: Body }>('/book', (req, reply) => form(req, reply, { slot: req.query.slot }));

  // B6 as staff type (app.js asks on leaving the field): the service's own normalisation.
  app.get<{ Querystring: Body }>('/seeker-number', (req) => {
    try {
      return { ok: true, value: normaliseSeekerNumber(req.query.value ?? '') };
    } catch {
      return { ok: false, error: FIELD_TEXT.seekerNumber };
    }
  });

  // Two steps: check (every rule, nothing written; shows no-shows C4 and the use cap B11), then book.
  app.post<{ Body: Body }>('/book', { preHandler: app.csrfProtection }, async (req, reply) => {
    const body = req.body;
    if (body.step === 'edit') return form(req, reply, body);
    const input = inputOf(body, actorOf(req));
    try {
      if (body.step !== 'confirm') {
        const c = await checkBooking(web.svc, input);
        const hidden = Object.fromEntries(
          [...FIELDS.map(([n]) => n), 'override', 'reason']
            .filter((k) => body[k] !== undefined)
            .map((k) => [k, body[k]!]),
        );
        return render(req, reply, 'book-confirm', {
          title: t.book!.confirm_title!,
          rows: FIELDS.map(([n]) => ({
            label: t.book![n]!,
            value:
              n === 'slot'
                ? formatJaRange(c.start, c.start.plus({ minutes: web.svc.config.booking.slotMinutes }))
                : (body[n] ?? ''),
          })),
          noShows: c.pastNoShows,
          useCap: c.used ? `${c.used.count} / ${c.used.max}（${c.used.perDays}日）` : '',
          hidden,
        });
      }
      const { booking } = await book(web.svc, input);
      await notifyBooking(web.svc, booking.id);
      return render(req, reply, 'book-done', {
        title: t.book!.done_title!,
        id: booking.id,
        when: formatJaRange(jst(booking.start), jst(booking.end)),
      });
    } catch (err) {
      if (!(err instanceof MadoguchiError)) throw err;
      return form(req, reply, body, err);
    }
  });

  const show = async (req: FastifyRequest, reply: FastifyReply, id: string, notice = '', error = '') => {
    const b = await web.svc.store.getBooking(id);
    if (!b) return sendError(reply, req, 404, errorText('NOT_FOUND'));
    const names = await namesFor(web, [b]);
    return render(req, reply.code(error ? 409 : 200), 'booking', {
      title: `${t.booking!.title} ${b.id}`,
      b,
      version: versionOf(b),
      when: formatJaRange(jst(b.start), jst(b.end)),
      seeker: names.seeker(b.seekerId),
      staff: names.staff(b.staffId),
      history: b.history.map((e) => ({
        ...e,
        at: jst(e.at).toFormat('yyyy-MM-dd HH:mm'),
        actor: e.actor.startsWith('staff:') ? names.staff(e.actor.slice(6)) : e.actor,
      })),
      slots: b.status === 'booked' ? await freeSlots(web) : [],
      reinstatable: !!cancellingMail(b) && jst(b.start) > web.svc.clock.now(),
      noShowDue:
        b.status === 'booked' &&
        jst(b.start).plus({ minutes: web.svc.config.noShow.graceMinutes }) <= web.svc.clock.now(),
      // Its documents (issue #11): received, refused with the reason the seeker was given, and
      // what retention deleted; triage items staff linked to it.
      documents: (await web.docs.forStaff(b.staffId)).filter((d) => d.bookingId === b.id),
      refused: (await web.docs.refusedFor(b.id)).map((f) => ({
        ...f,
        reason: refusalJa(f.reason as RefusalReason),
      })),
      purged: (await web.docs.purged()).filter((d) => d.bookingId === b.id),
      linked: await triageForBooking(web, b.seekerId, b.id),
      notice,
      error,
    });
  };
  app.get<{ Params: { id: string }; Querystring: Body }>('/bookings/:id', (req, reply) =>
    show(req, reply, req.params.id, req.query.done ? t.booking!.done! : ''),
  );

  // Each action is the CLI's service call; `seq` is the version the page showed (SEQUENCE and
  // status: attending changes no SEQUENCE). If the booking changed since (another staff member
  // acted), nothing happens and the page says so; the store's compare-and-set covers the race.
  const ACTIONS: Record<string, (id: string, body: Body, who: string) => Promise<unknown>> = {
    reschedule: (id, body, who) => reschedule(web.svc, id, body.slot ?? '', who),
    cancel: (id, body, who) => {
      if (body.channel !== 'phone' && body.channel !== 'email') throw new MadoguchiError('USAGE', 'channel');
      return cancel(web.svc, id, body.channel, who);
    },
    attend: (id, _body, who) => attend(web.svc, id, who),
    // C3: only once start + graceMinutes has passed (markNoShow checks it). Whether the seeker was
    // in touch is the staff member's call here; the scheduler's automatic check leaves to them any
    // booking whose seeker wrote on the day (src/bookings/no-show.ts).
    noshow: async (id) => {
      const b = await web.svc.store.getBooking(id);
      if (!b || !(await markNoShow(web.svc, id, b.sequence)))
        throw new MadoguchiError('BOOKING_STATE', `booking ${id} cannot be a no-show now`);
    },
    reinstate: (id, _body, who) => reinstateBooking(web, id, who),
  };
  app.post<{ Params: { id: string; action: string }; Body: Body }>(
    '/bookings/:id/:action',
    { preHandler: app.csrfProtection },
    async (req, reply) => {
      const { id, action } = req.params;
      const run = ACTIONS[action];
      const cur = await web.svc.store.getBooking(id);
      if (!run || !cur) return sendError(reply, req, 404, errorText('NOT_FOUND'));
      if (versionOf(cur) !== req.body.seq) return show(req, reply, id, '', t.booking!.changed!);
      try {
        await run(id, req.body, actorOf(req));
      } catch (err) {
        if (!(err instanceof MadoguchiError)) throw err;
        const msg = /changed meanwhile/.test(err.message) ? t.booking!.changed! : errorText(err.code);
        return show(req, reply, id, '', msg);
      }
      if (action !== 'attend' && action !== 'reinstate') await notifyBooking(web.svc, id);
      return reply.redirect(`/bookings/${id}?done=1`, 303);
    },
  );
}
