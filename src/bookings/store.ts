import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { jst, jstDate } from '../domain/time.js';
import { BOOK, REINSTATE, RESCHEDULE, TRANSITION } from './lua.js';
import type { Booking, Seeker, Staff } from './model.js';

type Scripted = Redis & {
  madoguchiBook(...args: (string | number)[]): Promise<string | null>;
  madoguchiReschedule(...args: (string | number)[]): Promise<string | null>;
  madoguchiTransition(...args: (string | number)[]): Promise<string>;
  madoguchiReinstate(...args: (string | number)[]): Promise<string>;
};

/** Redis persistence of staff, seekers and bookings under the configured prefix. */
export class BookingStore {
  private readonly r: Scripted;
  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    this.r = redis as Scripted;
    if (!('madoguchiBook' in redis)) {
      redis.defineCommand('madoguchiBook', { lua: BOOK });
      redis.defineCommand('madoguchiReschedule', { lua: RESCHEDULE });
      redis.defineCommand('madoguchiTransition', { lua: TRANSITION });
      redis.defineCommand('madoguchiReinstate', { lua: REINSTATE });
    }
  }

  k = (...parts: (string | number)[]) => [this.prefix, ...parts].join(':');
  slotKey = (startIso: string) => this.k('slot', jst(startIso).toMillis());
  dayKey = (startIso: string) => this.k('day', jstDate(jst(startIso)));
  pendingKey = () => this.k('notify', 'pending');

  // Staff
  async putStaff(s: Staff): Promise<void> {
    await this.r
      .multi()
      .set(this.k('staff', s.id), JSON.stringify(s))
      .sadd(this.k('staff', 'ids'), s.id)
      .set(this.k('staff', 'email', s.email.toLowerCase()), s.id)
      .exec();
  }
  async getStaff(id: string): Promise<Staff | undefined> {
    const v = await this.r.get(this.k('staff', id));
    return v ? (JSON.parse(v) as Staff) : undefined;
  }
  async staffIdByEmail(email: string): Promise<string | undefined> {
    return (await this.r.get(this.k('staff', 'email', email.toLowerCase()))) ?? undefined;
  }
  async listStaff(): Promise<Staff[]> {
    const ids = (await this.r.smembers(this.k('staff', 'ids'))).sort();
    if (!ids.length) return [];
    const vals = await this.r.mget(ids.map((id) => this.k('staff', id)));
    return vals.filter((v): v is string => !!v).map((v) => JSON.parse(v) as Staff);
  }
  async loads(): Promise<Record<string, number>> {
    const h = await this.r.hgetall(this.k('load'));
    return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)]));
  }
  async slotHolders(startIso: string): Promise<Record<string, string>> {
    return this.r.hgetall(this.slotKey(startIso));
  }

  // Seekers
  static seekerId(normalisedNumber: string): string {
    return `sk_${createHash('sha256').update(normalisedNumber).digest('hex').slice(0, 16)}`;
  }
  async getSeeker(id: string): Promise<Seeker | undefined> {
    const v = await this.r.get(this.k('seeker', id));
    return v ? (JSON.parse(v) as Seeker) : undefined;
  }
  /** Several seekers in one round trip (MGET), as getBookings does for bookings. */
  async getSeekers(ids: string[]): Promise<Seeker[]> {
    if (!ids.length) return [];
    const vals = await this.r.mget(ids.map((id) => this.k('seeker', id)));
    return vals.filter((v): v is string => !!v).map((v) => JSON.parse(v) as Seeker);
  }
  async putSeeker(s: Seeker): Promise<void> {
    const prev = await this.getSeeker(s.id);
    const m = this.r.multi().set(this.k('seeker', s.id), JSON.stringify(s));
    if (prev && prev.email.toLowerCase() !== s.email.toLowerCase())
      m.srem(this.k('seeker', 'email', prev.email.toLowerCase()), s.id);
    await m.sadd(this.k('seeker', 'email', s.email.toLowerCase()), s.id).exec();
  }
  /** Seekers on file with this address (a family may share one: then nothing is automatic). */
  async seekerIdsByEmail(email: string): Promise<string[]> {
    return this.r.smembers(this.k('seeker', 'email', email.toLowerCase()));
  }
  /** C4: counted atomically so two no-show checks never lose an increment. */
  async addNoShow(seekerId: string): Promise<void> {
    await this.r.incr(this.k('seeker', seekerId, 'noshows'));
  }
  async noShows(seekerId: string): Promise<number> {
    return Number((await this.r.get(this.k('seeker', seekerId, 'noshows'))) ?? 0);
  }
  async seekerBookingIds(seekerId: string): Promise<string[]> {
    return this.r.smembers(this.k('seeker', seekerId, 'bookings'));
  }

  // Bookings
  async getBooking(id: string): Promise<Booking | undefined> {
    const v = await this.r.get(this.k('booking', id));
    return v ? (JSON.parse(v) as Booking) : undefined;
  }
  async getBookings(ids: string[]): Promise<Booking[]> {
    if (!ids.length) return [];
    const vals = await this.r.mget(ids.map((id) => this.k('booking', id)));
    return vals.filter((v): v is string => !!v).map((v) => JSON.parse(v) as Booking);
  }
  async bookingIdsOn(isoDate: string): Promise<string[]> {
    return this.r.smembers(this.k('day', isoDate));
  }

  /** Atomic claim of the first free candidate; the booking is written in the same step. */
  async insertBooking(b: Omit<Booking, 'staffId'>, order: string[]): Promise<string | null> {
    return this.r.madoguchiBook(
      6,
      this.slotKey(b.start),
      this.k('booking', b.id),
      this.dayKey(b.start),
      this.k('seeker', b.seekerId, 'bookings'),
      this.k('load'),
      this.pendingKey(),
      JSON.stringify(b),
      b.id,
      ...order,
    );
  }

  async rescheduleBooking(
    cur: Booking,
    next: Omit<Booking, 'staffId'>,
    order: string[],
  ): Promise<string | null> {
    const { staffId: _s, previousStaffId: _p, ...rest } = next as Booking;
    return this.r.madoguchiReschedule(
      7,
      this.k('booking', cur.id),
      this.slotKey(cur.start),
      this.slotKey(next.start),
      this.dayKey(cur.start),
      this.dayKey(next.start),
      this.k('load'),
      this.pendingKey(),
      String(cur.sequence),
      JSON.stringify(rest),
      ...order,
    );
  }

  async transition(
    cur: Booking,
    next: Booking,
    opts: { release: boolean; notify: boolean },
  ): Promise<'ok' | 'stale'> {
    return (await this.r.madoguchiTransition(
      4,
      this.k('booking', cur.id),
      this.slotKey(cur.start),
      this.k('load'),
      this.pendingKey(),
      String(cur.sequence),
      JSON.stringify(next),
      opts.release ? '1' : '0',
      opts.notify ? '1' : '0',
    )) as 'ok' | 'stale';
  }

  async reinstate(cur: Booking, next: Booking): Promise<'ok' | 'stale' | 'taken'> {
    return (await this.r.madoguchiReinstate(
      4,
      this.k('booking', cur.id),
      this.slotKey(cur.start),
      this.k('load'),
      this.pendingKey(),
      String(cur.sequence),
      JSON.stringify(next),
    )) as 'ok' | 'stale' | 'taken';
  }

  async pendingNotifications(): Promise<string[]> {
    return this.r.smembers(this.pendingKey());
  }
  /** Clears the pending mark only if no newer change arrived meanwhile (sequence unchanged). */
  async markNotified(id: string, sequence: number): Promise<void> {
    await this.r.eval(
      `local b = redis.call('GET', KEYS[1])
       if b and tostring(cjson.decode(b).sequence) == ARGV[1] then redis.call('SREM', KEYS[2], ARGV[2]) end`,
      2,
      this.k('booking', id),
      this.pendingKey(),
      String(sequence),
      id,
    );
  }
}
