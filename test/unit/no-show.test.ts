import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { noShowDeadline, wroteOnTheDay } from '../../src/bookings/no-show.js';
import { ZONE } from '../../src/domain/time.js';

// C3 "no contact and 10 minutes past the start": the days are JST days, whatever the process TZ.
describe(`no-show (C3; process TZ=${process.env.TZ ?? 'unset'})`, () => {
  const booking = { start: '2026-12-15T00:30:00.000Z' }; // 09:30 JST on the 15th (the 14th in UTC)
  const now = DateTime.fromISO('2026-12-15T09:40', { zone: ZONE });

  it('is due graceMinutes after the start', () => {
    expect(noShowDeadline(booking, 10).toISO()).toBe('2026-12-15T09:40:00.000+09:00');
  });

  it('a mail from the seeker on the JST day, up to now, is contact; one the day before or later is not', () => {
    const wrote = (...at: string[]) => wroteOnTheDay(at, booking, now);
    expect(wrote()).toBe(false);
    expect(wrote('2026-12-15T00:00:00+09:00')).toBe(true); // the day's first second, JST
    expect(wrote('2026-12-15T00:35:00.000Z')).toBe(true); // 09:35 JST, as INTERNALDATE is stored
    expect(wrote('2026-12-14T23:59:59+09:00')).toBe(false); // the evening before
    expect(wrote('2026-12-14T15:30:00.000Z')).toBe(true); // 00:30 JST on the 15th, written in UTC
    expect(wrote('2026-12-15T09:41:00+09:00')).toBe(false); // after now
  });
});
