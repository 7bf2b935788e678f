import holidayJp from '@holiday-jp/holiday_jp';
import type { DateTime } from 'luxon';
import type { Config } from '../config/schema.js';
import { MadoguchiError } from '../errors.js';
import { jstDate, ZONE } from './time.js';

export type BookingRules = Config['booking'];

// holiday_jp.isHoliday() reads the Date in the process TZ (wrong under TZ=America/New_York);
// its table is keyed by the calendar date, which we compute in JST ourselves.
const HOLIDAYS = holidayJp.holidays as Record<string, { name: string } | undefined>;

export type ClosedReason = 'weekday' | 'national-holiday' | 'year-end' | 'office-closed';

/** Why the office has no consultations on this JST date (B3), or undefined when open. */
export function closedReason(day: DateTime, rules: BookingRules): ClosedReason | undefined {
  const d = day.setZone(ZONE);
  const iso = jstDate(d);
  if (!rules.weekdays.includes(d.weekday)) return 'weekday';
  if (rules.closedOnNationalHolidays && HOLIDAYS[iso]) return 'national-holiday';
  if (rules.yearEndClosure) {
    const md = iso.slice(5);
    const { from, to } = rules.yearEndClosure;
    // The closure wraps the new year (12-29 .. 01-03), or is a plain range within one year.
    const inside = from <= to ? md >= from && md <= to : md >= from || md <= to;
    if (inside) return 'year-end';
  }
  if (rules.extraClosedDates.includes(iso)) return 'office-closed';
  return undefined;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Slot start times on one JST date (B1, B2): every slotMinutes within each block, ending by its end. */
export function slotsOn(day: DateTime, rules: BookingRules): DateTime[] {
  if (closedReason(day, rules)) return [];
  const midnight = day.setZone(ZONE).startOf('day');
  const out: DateTime[] = [];
  for (const block of rules.hours) {
    for (
      let m = minutesOf(block.start);
      m + rules.slotMinutes <= minutesOf(block.end);
      m += rules.slotMinutes
    ) {
      out.push(midnight.plus({ minutes: m }));
    }
  }
  return out;
}

/** Throws DAY_CLOSED (B3) or SLOT_INVALID (B1, B2) unless `start` is a slot start. */
export function assertSlot(start: DateTime, rules: BookingRules): void {
  const reason = closedReason(start, rules);
  if (reason) {
    throw new MadoguchiError('DAY_CLOSED', `no consultations on ${jstDate(start)} (${reason}; B3)`, {
      details: { reason },
    });
  }
  const s = start.setZone(ZONE);
  if (!slotsOn(s, rules).some((slot) => slot.toMillis() === s.toMillis())) {
    throw new MadoguchiError(
      'SLOT_INVALID',
      `${s.toFormat('HH:mm')} is not a slot start; slots are ${slotsOn(s, rules)
        .map((x) => x.toFormat('HH:mm'))
        .join(', ')} (B1, B2)`,
    );
  }
}

/** B4: a booking must be complete by the end of the day `leadDays` before (JST). */
export function leadTimeOk(start: DateTime, now: DateTime, rules: BookingRules): boolean {
  const deadline = start
    .setZone(ZONE)
    .startOf('day')
    .minus({ days: rules.leadDays - 1 });
  return now.toMillis() < deadline.toMillis();
}

/** The previous office-open day before `day` (JST), for reminders "the working day before". */
export function previousWorkingDay(day: DateTime, rules: BookingRules): DateTime {
  let d = day.setZone(ZONE).startOf('day').minus({ days: 1 });
  for (let i = 0; i < 30 && closedReason(d, rules); i++) d = d.minus({ days: 1 });
  return d;
}
