import type { Booking } from '../../bookings/model.js';
import { notifyBooking } from '../../bookings/notify.js';
import { attend, book, bookingsOn, cancel, reschedule, slots } from '../../bookings/service.js';
import { jst } from '../../domain/time.js';
import { MadoguchiError } from '../../errors.js';
import { reinstateBooking } from '../../inbound/reinstate.js';
import { type Command, firstPositional } from '../command.js';
import { withInbound, withServices } from './with-services.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
// Who acts: --actor as in every other command; --by, its older name here, still works.
const ACTOR = { actor: { type: 'string' as const }, by: { type: 'string' as const, default: 'staff' } };
const actorOf = (v: Record<string, unknown>) => str(v.actor ?? v.by);

// Output names the booking, time and staff id only: no seeker data on a shared terminal (P5).
function summary(b: Booking) {
  return {
    id: b.id,
    at: jst(b.start).toFormat("yyyy-MM-dd'T'HH:mm"),
    status: b.status,
    staffId: b.staffId,
    sequence: b.sequence,
    uid: b.uid,
  };
}
const line = (b: Booking) => {
  const s = summary(b);
  return `${s.id}  ${s.at}  ${s.status.padEnd(9)}  staff ${s.staffId}  seq ${s.sequence}`;
};

const needId = (positionals: string[], cmd: string) => firstPositional(positionals, cmd, 'a booking id');

export const bookCmd: Command = {
  path: ['book'],
  summary: 'Book a consultation taken by phone (B5-B12) and send the invitations',
  usage:
    'madoguchi book --seeker-number S --name N --birthdate YYYY-MM-DD --email E --phone P --at YYYY-MM-DDTHH:mm --topic T [--override-lead-time --reason R] [--actor STAFF]',
  options: {
    'seeker-number': { type: 'string' },
    name: { type: 'string' },
    birthdate: { type: 'string' },
    email: { type: 'string' },
    phone: { type: 'string' },
    at: { type: 'string' },
    topic: { type: 'string' },
    'override-lead-time': { type: 'boolean' },
    reason: { type: 'string' },
    ...ACTOR,
  },
  run: ({ values: v }, io) =>
    withServices(io, async (svc) => {
      const res = await book(svc, {
        seekerNumber: str(v['seeker-number']),
        name: str(v.name),
        birthdate: str(v.birthdate),
        email: str(v.email),
        phone: str(v.phone),
        at: str(v.at),
        topic: str(v.topic),
        actor: actorOf(v),
        ...(v['override-lead-time'] ? { overrideLeadTime: { reason: str(v.reason) } } : {}),
      });
      await notifyBooking(svc, res.booking.id);
      const warn = res.pastNoShows
        ? `\n注意: この求職者の無断キャンセルは過去 ${res.pastNoShows} 回です (C4)`
        : '';
      return {
        json: { ...summary(res.booking), pastNoShows: res.pastNoShows },
        human: `booked ${line(res.booking)}${warn}`,
      };
    }),
};

export const rescheduleCmd: Command = {
  path: ['reschedule'],
  summary: 'Move a booking to another slot (same invitation UID, SEQUENCE+1)',
  usage: 'madoguchi reschedule ID --at YYYY-MM-DDTHH:mm [--override-lead-time --reason R] [--actor STAFF]',
  options: {
    at: { type: 'string' },
    'override-lead-time': { type: 'boolean' },
    reason: { type: 'string' },
    ...ACTOR,
  },
  run: ({ values: v, positionals }, io) =>
    withServices(io, async (svc) => {
      const b = await reschedule(
        svc,
        needId(positionals, 'reschedule'),
        str(v.at),
        actorOf(v),
        v['override-lead-time'] ? { reason: str(v.reason) } : undefined,
      );
      await notifyBooking(svc, b.id);
      return { json: summary(b), human: `rescheduled ${line(b)}` };
    }),
};

export const cancelCmd: Command = {
  path: ['cancel'],
  summary: 'Cancel a booking reported by phone or e-mail (C1); CANCEL invitations follow',
  usage: 'madoguchi cancel ID --channel phone|email [--actor STAFF]',
  options: { channel: { type: 'string' }, ...ACTOR },
  run: ({ values: v, positionals }, io) =>
    withServices(io, async (svc) => {
      const channel = str(v.channel);
      if (channel !== 'phone' && channel !== 'email')
        throw new MadoguchiError('USAGE', '--channel must be phone or email (C1)');
      const b = await cancel(svc, needId(positionals, 'cancel'), channel, actorOf(v));
      await notifyBooking(svc, b.id);
      return { json: summary(b), human: `cancelled ${line(b)}` };
    }),
};

export const reinstateCmd: Command = {
  path: ['reinstate'],
  summary: 'Undo a cancellation a mail caused, while its slot is free (REQUEST + apology follow)',
  usage: 'madoguchi reinstate ID [--actor STAFF]',
  options: { ...ACTOR },
  run: ({ values: v, positionals }, io) =>
    withInbound(io, async (deps) => {
      const b = await reinstateBooking(deps, needId(positionals, 'reinstate'), actorOf(v));
      return { json: summary(b), human: `reinstated ${line(b)}` };
    }),
};

export const attendCmd: Command = {
  path: ['attend'],
  summary: 'Record that the consultation started (it can then never become a no-show, C3)',
  usage: 'madoguchi attend ID [--actor STAFF]',
  options: { ...ACTOR },
  run: ({ values: v, positionals }, io) =>
    withServices(io, async (svc) => {
      const b = await attend(svc, needId(positionals, 'attend'), actorOf(v));
      return { json: summary(b), human: `started ${line(b)}` };
    }),
};

export const slotsCmd: Command = {
  path: ['slots'],
  summary: 'Free slots per day (JST) with the number of staff members free',
  usage: 'madoguchi slots --from YYYY-MM-DD --to YYYY-MM-DD',
  options: { from: { type: 'string' }, to: { type: 'string' } },
  run: ({ values: v }, io) =>
    withServices(io, async (svc) => {
      const list = await slots(svc, str(v.from), str(v.to));
      return {
        json: list,
        human: list.map((s) => `${s.start}  free ${s.free}`).join('\n') || '(no slots: closed days)',
      };
    }),
};

export const bookingsCmd: Command = {
  path: ['bookings'],
  summary: 'Bookings of one day (JST)',
  usage: 'madoguchi bookings --date YYYY-MM-DD',
  options: { date: { type: 'string' } },
  run: ({ values: v }, io) =>
    withServices(io, async (svc) => {
      const list = await bookingsOn(svc, str(v.date));
      return { json: list.map(summary), human: list.map(line).join('\n') || '(no bookings)' };
    }),
};
