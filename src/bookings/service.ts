import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Config } from '../config/schema.js';
import { assignmentOrder } from '../domain/assignment.js';
import { assertSlot, leadTimeOk, slotsOn } from '../domain/calendar.js';
import { outOfScopeKind } from '../domain/scope.js';
import { normaliseSeekerNumber } from '../domain/seeker-number.js';
import { textProblems } from '../domain/text.js';
import { jst, jstDate, parseJstLocal, ZONE } from '../domain/time.js';
import { MadoguchiError } from '../errors.js';
import { type AnalyserThread, withAnalyser } from '../intent/analyser.js';
import type { Tokenize } from '../intent/tokenizer.js';
import { intentWords } from '../intent/words.js';
import type { Booking, BookingEvent, Seeker } from './model.js';
import { noShowDeadline } from './no-show.js';
import { staffAvailable } from './staff.js';
import { BookingStore } from './store.js';

export interface Clock {
  now(): DateTime;
}
export const systemClock: Clock = { now: () => DateTime.now().setZone(ZONE) };

export interface BookingDeps {
  config: Readonly<Config>;
  store: BookingStore;
  clock: Clock;
  /** The process's analyser thread; absent: the analyser is loaded in this thread. */
  analyser?: AnalyserThread;
}

export interface BookInput {
  seekerNumber: string;
  name: string;
  birthdate: string;
  email: string;
  phone: string;
  at: string; // 'YYYY-MM-DDTHH:mm', JST
  topic: string;
  actor: string;
  overrideLeadTime?: { reason: string };
}

export interface BookResult {
  booking: Booking;
  /** C4: shown to staff at every booking; refusing is their decision. */
  pastNoShows: number;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function parseSlot(at: string): DateTime {
  const dt = parseJstLocal(at);
  if (!dt)
    throw new MadoguchiError(
      'SLOT_INVALID',
      `--at must be YYYY-MM-DDTHH:mm in Japan time, got ${JSON.stringify(at)}`,
    );
  return dt;
}

/**
 * B5 fields, validated and normalised; throws SEEKER_INVALID naming every problem, with `fields`:
 * which input each is about (a form shows it beside that field) and whether it held a control or
 * direction character or was otherwise invalid.
 */
export function validateSeeker(input: BookInput): Omit<Seeker, 'id'> {
  const problems: string[] = [];
  const fields: Partial<Record<keyof BookInput, 'control' | 'invalid'>> = {};
  const bad = (field: keyof BookInput, problem: string, kind: 'control' | 'invalid' = 'invalid') => {
    problems.push(problem);
    fields[field] ??= kind;
  };
  const text: Array<[keyof BookInput, string]> = [
    ['name', 'name'],
    ['topic', 'topic'],
    ['email', 'email'],
    ['phone', 'phone'],
    ['seekerNumber', 'seeker-number'],
    ['actor', 'actor'],
  ];
  for (const [field, label] of text)
    for (const p of textProblems({ [label]: input[field] as string | undefined })) bad(field, p, 'control');
  let seekerNumber = '';
  try {
    seekerNumber = normaliseSeekerNumber(input.seekerNumber ?? '');
  } catch (e) {
    bad('seekerNumber', (e as Error).message);
  }
  const name = (input.name ?? '').normalize('NFKC').trim();
  if (!name) bad('name', 'name is required (B5)');
  const birth = DateTime.fromISO(input.birthdate ?? '', { zone: ZONE });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.birthdate ?? '') || !birth.isValid || birth.year < 1900) {
    bad('birthdate', 'birthdate must be YYYY-MM-DD (B5)');
  }
  const email = (input.email ?? '').normalize('NFKC').trim().toLowerCase();
  if (!EMAIL.test(email)) bad('email', 'email is not an e-mail address (B5)');
  const phone = (input.phone ?? '').normalize('NFKC').replace(/[\s\u2010-\u2015\u2212\u30FC-]/g, '');
  if (!/^0\d{9,10}$/.test(phone)) bad('phone', 'phone must be a Japanese number of 10-11 digits (B5)');
  if (!(input.topic ?? '').trim()) bad('topic', 'topic is required (B5)');
  if (problems.length)
    throw new MadoguchiError('SEEKER_INVALID', problems.join('; '), { details: { problems, fields } });
  return { seekerNumber, name, birthdate: input.birthdate, email, phone };
}

/** A time on record, from the services' clock: the same "now" the rules use. */
const stamp = (deps: BookingDeps) => deps.clock.now().toUTC().toISO()!;

function event(
  deps: BookingDeps,
  action: BookingEvent['action'],
  actor: string,
  sequence: number,
  note?: string,
): BookingEvent {
  const bad = textProblems({ actor });
  if (bad.length) throw new MadoguchiError('USAGE', bad.join('; '));
  return {
    at: stamp(deps),
    action,
    actor,
    sequence,
    ...(note ? { note } : {}),
  };
}

/** Preference order of staff free for the slot: B9 continuity, then least load. */
async function candidates(
  deps: BookingDeps,
  start: DateTime,
  previousStaffId: string | undefined,
): Promise<string[]> {
  const [staff, loads, holders] = await Promise.all([
    deps.store.listStaff(),
    deps.store.loads(),
    deps.store.slotHolders(start.toUTC().toISO()!),
  ]);
  const free = staff.filter(
    (s) => staffAvailable(s, start, deps.config.booking.slotMinutes) && !holders[s.id],
  );
  return assignmentOrder(
    free.map((s) => ({ id: s.id, load: loads[s.id] ?? 0 })),
    previousStaffId,
  );
}

function checkWhen(deps: BookingDeps, start: DateTime, override: { reason: string } | undefined): void {
  const rules = deps.config.booking;
  assertSlot(start, rules); // B1, B2, B3
  const now = deps.clock.now();
  if (start.toMillis() <= now.toMillis()) throw new MadoguchiError('LEAD_TIME', 'the slot is in the past');
  if (!leadTimeOk(start, now, rules) && !override) {
    throw new MadoguchiError(
      'LEAD_TIME',
      `bookings must be complete by the previous day (B4); staff may override with --override-lead-time --reason`,
    );
  }
  if (override && !override.reason.trim())
    throw new MadoguchiError('LEAD_TIME', 'a lead-time override needs --reason (B4)');
  const bad = textProblems({ reason: override?.reason });
  if (bad.length) throw new MadoguchiError('LEAD_TIME', bad.join('; '));
}

/** What a booking would be, every rule checked (B4-B12), nothing written: `book` and the console's preview. */
export interface BookingCheck {
  seeker: Seeker;
  existing: Seeker | undefined;
  start: DateTime;
  order: string[];
  pastNoShows: number;
  /** B11: consultations counted against the cap, when one is set. */
  used?: { count: number; max: number; perDays: number };
}

export async function checkBooking(deps: BookingDeps, input: BookInput): Promise<BookingCheck> {
  const rules = deps.config.booking;
  const words = intentWords(deps.config);
  const read = (tokenize?: Tokenize) => outOfScopeKind(input.topic ?? '', words, tokenize);
  const kind = deps.analyser ? await withAnalyser(deps.analyser, read) : read();
  if (kind) {
    throw new MadoguchiError(
      'OUT_OF_SCOPE',
      `${kind} consultations are not held online (B12). Read out: ${rules.referralText}`,
      {
        details: { kind, referralText: rules.referralText },
      },
    );
  }
  const fields = validateSeeker(input);
  const start = parseSlot(input.at);
  checkWhen(deps, start, input.overrideLeadTime);

  const seekerId = BookingStore.seekerId(fields.seekerNumber);
  const existing = await deps.store.getSeeker(seekerId);
  const seeker: Seeker = { ...existing, ...fields, id: seekerId };
  const mine = await deps.store.getBookings(await deps.store.seekerBookingIds(seekerId));
  if (mine.some((b) => b.status === 'booked' && b.start === start.toUTC().toISO())) {
    throw new MadoguchiError('SLOT_FULL', 'the seeker already has a booking at that time');
  }
  let used: BookingCheck['used'];
  if (rules.useCap) {
    // B11: consultations held or booked within the last perDays days before this one.
    const from = start.minus({ days: rules.useCap.perDays }).toMillis();
    const count = mine.filter((b) => b.status !== 'cancelled' && jst(b.start).toMillis() > from).length;
    used = { count, max: rules.useCap.max, perDays: rules.useCap.perDays };
    if (count >= rules.useCap.max) {
      throw new MadoguchiError(
        'USE_CAP_REACHED',
        `the seeker has used ${count} of ${rules.useCap.max} consultations in ${rules.useCap.perDays} days (B11)`,
      );
    }
  }
  const order = await candidates(deps, start, existing?.lastStaffId);
  if (!order.length) throw new MadoguchiError('SLOT_FULL', `no staff member is free at ${input.at} (B9)`);
  return {
    seeker,
    existing,
    start,
    order,
    pastNoShows: await deps.store.noShows(seekerId),
    ...(used ? { used } : {}),
  };
}

export async function book(deps: BookingDeps, input: BookInput): Promise<BookResult> {
  const rules = deps.config.booking;
  const { seeker, start, order } = await checkBooking(deps, input);
  const seekerId = seeker.id;
  await deps.store.putSeeker(seeker);
  const id = `bk_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const draft: Omit<Booking, 'staffId'> = {
    id,
    uid: `${id}@${deps.config.mail.messageIdDomain}`,
    seekerId,
    start: start.toUTC().toISO()!,
    end: start.plus({ minutes: rules.slotMinutes }).toUTC().toISO()!,
    topic: input.topic.trim(),
    status: 'booked',
    sequence: 0,
    createdAt: stamp(deps),
    ...(input.overrideLeadTime
      ? { leadTimeOverride: { by: input.actor, reason: input.overrideLeadTime.reason } }
      : {}),
    history: [
      event(
        deps,
        'book',
        input.actor,
        0,
        input.overrideLeadTime ? `lead-time override: ${input.overrideLeadTime.reason}` : undefined,
      ),
    ],
  };
  const staffId = await deps.store.insertBooking(draft, order);
  if (!staffId) throw new MadoguchiError('SLOT_FULL', `no staff member is free at ${input.at} (B9)`);
  await deps.store.putSeeker({ ...seeker, lastStaffId: staffId });
  return { booking: { ...draft, staffId }, pastNoShows: await deps.store.noShows(seekerId) };
}

async function load(deps: BookingDeps, id: string): Promise<Booking> {
  const b = await deps.store.getBooking(id);
  if (!b) throw new MadoguchiError('NOT_FOUND', `no booking ${id}`);
  return b;
}

function assertBooked(b: Booking): void {
  if (b.status !== 'booked') throw new MadoguchiError('BOOKING_STATE', `booking ${b.id} is ${b.status}`);
}

export async function reschedule(
  deps: BookingDeps,
  id: string,
  at: string,
  actor: string,
  override?: { reason: string },
): Promise<Booking> {
  const cur = await load(deps, id);
  assertBooked(cur);
  const start = parseSlot(at);
  if (start.toUTC().toISO() === cur.start)
    throw new MadoguchiError('BOOKING_STATE', 'the booking is already at that time');
  checkWhen(deps, start, override);
  const order = await candidates(deps, start, cur.staffId);
  if (!order.length) throw new MadoguchiError('SLOT_FULL', `no staff member is free at ${at} (B9)`);
  const sequence = cur.sequence + 1;
  const next: Omit<Booking, 'staffId'> = {
    ...cur,
    start: start.toUTC().toISO()!,
    end: start.plus({ minutes: deps.config.booking.slotMinutes }).toUTC().toISO()!,
    sequence,
    history: [...cur.history, event(deps, 'reschedule', actor, sequence, `from ${cur.start}`)],
  };
  const res = await deps.store.rescheduleBooking(cur, next, order);
  if (res === 'stale')
    throw new MadoguchiError('BOOKING_STATE', `booking ${id} changed meanwhile; try again`);
  if (!res) throw new MadoguchiError('SLOT_FULL', `no staff member is free at ${at} (B9)`);
  return load(deps, id);
}

async function transition(
  deps: BookingDeps,
  id: string,
  mutate: (b: Booking, sequence: number) => Booking,
  opts: { release: boolean; notify: boolean; bump: boolean },
): Promise<Booking> {
  const cur = await load(deps, id);
  assertBooked(cur);
  const next = mutate(cur, opts.bump ? cur.sequence + 1 : cur.sequence);
  if ((await deps.store.transition(cur, next, opts)) === 'stale') {
    throw new MadoguchiError('BOOKING_STATE', `booking ${id} changed meanwhile; try again`);
  }
  return next;
}

/** C1: cancellation by phone or e-mail; the slot is freed and CANCEL invitations follow. */
export function cancel(
  deps: BookingDeps,
  id: string,
  channel: 'phone' | 'email',
  actor: string,
): Promise<Booking> {
  return transition(
    deps,
    id,
    (b, sequence) => ({
      ...b,
      status: 'cancelled',
      sequence,
      cancel: { channel, at: stamp(deps) },
      history: [...b.history, event(deps, 'cancel', actor, sequence, `by ${channel}`)],
    }),
    { release: true, notify: true, bump: true },
  );
}

/** The mail hash of the inbound actor that cancelled a booking (`inbound:<hash>`), if a mail did. */
export const cancellingMail = (b: Booking) =>
  b.status === 'cancelled' && b.cancel?.channel === 'email'
    ? [...b.history]
        .reverse()
        .find((e) => e.action === 'cancel')
        ?.actor.match(/^inbound:(\w+)$/)?.[1]
    : undefined;

/**
 * Issue #13's safety net: a booking that a mail cancelled comes back into its own slot, with the
 * same staff member and UID and SEQUENCE+1, while that slot is still free and still ahead.
 */
export async function reinstate(deps: BookingDeps, id: string, actor: string): Promise<Booking> {
  const cur = await load(deps, id);
  const mail = cancellingMail(cur);
  if (!mail) throw new MadoguchiError('BOOKING_STATE', `booking ${id} was not cancelled by a mail`);
  if (jst(cur.start).toMillis() <= deps.clock.now().toMillis())
    throw new MadoguchiError('BOOKING_STATE', `booking ${id} is already past`);
  const staff = await deps.store.getStaff(cur.staffId);
  if (!staff || !staffAvailable(staff, jst(cur.start), deps.config.booking.slotMinutes))
    throw new MadoguchiError('SLOT_FULL', `the staff member of booking ${id} is no longer free then (B9)`);
  const sequence = cur.sequence + 1;
  const { cancel: _, ...rest } = cur;
  const next: Booking = {
    ...rest,
    status: 'booked',
    sequence,
    history: [...cur.history, event(deps, 'reinstate', actor, sequence, `cancelled by mail ${mail}`)],
  };
  const res = await deps.store.reinstate(cur, next);
  if (res === 'stale')
    throw new MadoguchiError('BOOKING_STATE', `booking ${id} changed meanwhile; try again`);
  if (res === 'taken')
    throw new MadoguchiError('SLOT_FULL', `the slot of booking ${id} has been given to another booking`);
  return next;
}

/** Staff mark the consultation as started; from then on it can never become a no-show. */
export function attend(deps: BookingDeps, id: string, actor: string): Promise<Booking> {
  return transition(
    deps,
    id,
    (b, sequence) => ({
      ...b,
      status: 'attended',
      history: [...b.history, event(deps, 'attend', actor, sequence)],
    }),
    { release: false, notify: false, bump: false },
  );
}

/**
 * C3: at start + grace minutes, a booking still only 'booked' (not started, not cancelled) is a
 * no-show: recorded, CANCEL sent, and the seeker's count raised (C4). Returns undefined when the
 * booking is no longer a candidate (attended, cancelled, moved) — the check is then a no-op.
 */
export async function markNoShow(
  deps: BookingDeps,
  id: string,
  expectedSequence: number,
): Promise<Booking | undefined> {
  const cur = await deps.store.getBooking(id);
  if (!cur || cur.status !== 'booked' || cur.sequence !== expectedSequence) return undefined;
  const deadline = noShowDeadline(cur, deps.config.noShow.graceMinutes);
  if (deps.clock.now().toMillis() < deadline.toMillis()) return undefined;
  const sequence = cur.sequence + 1;
  const next: Booking = {
    ...cur,
    status: 'noshow',
    sequence,
    cancel: { channel: 'noshow', at: stamp(deps) },
    history: [
      ...cur.history,
      event(
        deps,
        'noshow',
        'system',
        sequence,
        `no contact ${deps.config.noShow.graceMinutes} min after start (C3)`,
      ),
    ],
  };
  if ((await deps.store.transition(cur, next, { release: true, notify: true })) === 'stale') return undefined;
  await deps.store.addNoShow(cur.seekerId);
  return next;
}

export async function slots(deps: BookingDeps, from: string, to: string) {
  const a = DateTime.fromISO(from, { zone: ZONE });
  const b = DateTime.fromISO(to, { zone: ZONE });
  if (!a.isValid || !b.isValid || b < a)
    throw new MadoguchiError('USAGE', '--from and --to must be YYYY-MM-DD, from <= to');
  if (b.diff(a, 'days').days > 62) throw new MadoguchiError('USAGE', 'at most 62 days at once');
  const staff = (await deps.store.listStaff()).filter((s) => s.active);
  const out: { start: string; free: number }[] = [];
  for (let d = a.startOf('day'); d <= b; d = d.plus({ days: 1 })) {
    for (const s of slotsOn(d, deps.config.booking)) {
      const holders = await deps.store.slotHolders(s.toUTC().toISO()!);
      const free = staff.filter(
        (x) => staffAvailable(x, s, deps.config.booking.slotMinutes) && !holders[x.id],
      ).length;
      out.push({ start: s.toFormat("yyyy-MM-dd'T'HH:mm"), free });
    }
  }
  return out;
}

export async function bookingsOn(deps: BookingDeps, date: string): Promise<Booking[]> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new MadoguchiError('USAGE', '--date must be YYYY-MM-DD');
  const list = await deps.store.getBookings(await deps.store.bookingIdsOn(date));
  return list.filter((b) => jstDate(jst(b.start)) === date).sort((x, y) => x.start.localeCompare(y.start));
}
