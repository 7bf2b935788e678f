import { DateTime, Info } from 'luxon';
import { JA_WEEKDAYS } from '../domain/time.js';
import { fold } from './sentences.js';

/**
 * The days and times a cancellation names. A seeker with one upcoming booking who writes
 * "明日の相談をキャンセルします" when that booking is next week, or "10時の予約" when it is at 14:00,
 * means another booking (elsewhere, or one already gone): cancelling theirs anyway is the wrong
 * cancellation #9 forbids. Read from folded text (NFKC, lower case: full-width digits are ASCII).
 */
export interface Named {
  /** Month and day written anywhere in the sender's own words or the subject (12月10日, 12/10, dec 10). */
  dates: Array<{ month: number; day: number }>;
  /** In the request's sentence: 一昨日 -2, 昨日 -1, 今日/本日 0, 明日 1, 明後日 2; today, tomorrow, yesterday. */
  daysAhead: number[];
  /** The request's sentence speaks of a consultation before now (先週, 前回, last week). */
  earlier: boolean;
  /** In the request's sentence: 今週 0, 来週 1, 再来週 2; this week, next week. */
  weeksAhead: number[];
  /** In the request's sentence: 今月 0, 来月 1, 再来月 2; this month, next month. */
  monthsAhead: number[];
  /** In the request's sentence: a day of the month without its month (10日の相談). */
  monthDays: number[];
  /** In the request's sentence: ISO weekday, 1 = Monday. */
  weekdays: number[];
  /** In the request's sentence: times of day, 24-hour. */
  times: Array<{ hour: number; minute: number }>;
  /** The request's sentence picks one of several bookings, or all (1つ, 片方, 両方, "one of them"). */
  several: boolean;
  /** The request's sentence speaks of cancelling on the day itself (当日に, "on the day"). */
  onTheDay: boolean;
  /** In the request's sentence, a half of the day without a time: 午前/morning, 午後/afternoon. */
  halves: Array<'am' | 'pm'>;
}

// English names from luxon (ICU), lower case as the folded text is; weekdays Monday first.
const MONTHS = Info.months('long', { locale: 'en' }).map((m) => m.toLowerCase());
// Whole names or three-letter abbreviations ("dec 10", not "decide 10").
const EN_MONTH = `(${MONTHS.join('|')}|${MONTHS.map((m) => m.slice(0, 3)).join('|')})\\.?`;
const monthOf = (name: string) => MONTHS.findIndex((m) => m.startsWith(name)) + 1;
const MONTH_DAY = new RegExp(`\\b${EN_MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b`, 'g');
const DAY_MONTH = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${EN_MONTH}\\b`, 'g');
const JA_WEEKDAY = new RegExp(`([${JA_WEEKDAYS}])曜`, 'g');
const EN_WEEKDAYS = Info.weekdays('long', { locale: 'en' }).map((d) => d.toLowerCase());

const valid = (month: number, day: number) => month >= 1 && month <= 12 && day >= 1 && day <= 31;

function datesIn(text: string): Named['dates'] {
  const out: Named['dates'] = [];
  const add = (month: number, day: number) => valid(month, day) && out.push({ month, day });
  for (const m of text.matchAll(/(\d{1,2})\s*月\s*(\d{1,2})\s*日/g)) add(Number(m[1]), Number(m[2]));
  // 12/10 and 2026/12/10; not a fraction inside a longer number, nor a URL's path.
  for (const m of text.matchAll(/(?<![\d/.:])(?:\d{4}\/)?(\d{1,2})\/(\d{1,2})(?![\d/])/g))
    add(Number(m[1]), Number(m[2]));
  // matchAll works on a copy of a global pattern: these module-level ones keep no state.
  for (const m of text.matchAll(MONTH_DAY)) add(monthOf(m[1]!), Number(m[2]));
  for (const m of text.matchAll(DAY_MONTH)) add(monthOf(m[2]!), Number(m[1]));
  return out;
}

function timesIn(s: string): Named['times'] {
  const out: Named['times'] = [];
  const add = (hour: number, minute: number) => hour <= 23 && minute <= 59 && out.push({ hour, minute });
  // 時 of a time, not of 時間 (a duration: 2時間前).
  for (const m of s.matchAll(/(午前|午後)?\s*(\d{1,2})\s*時(?!間)\s*(半|(\d{1,2})\s*分)?/g)) {
    const h = Number(m[2]);
    add(m[1] === '午後' && h < 12 ? h + 12 : h, m[3] === '半' ? 30 : Number(m[4] ?? 0));
  }
  for (const m of s.matchAll(/(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])\s*(am|pm|a\.m\.|p\.m\.)?/g)) {
    const h = Number(m[1]);
    add(m[3]?.startsWith('p') && h < 12 ? h + 12 : h, Number(m[2]));
  }
  for (const m of s.matchAll(/\b(\d{1,2})\s*(am|pm|a\.m\.|p\.m\.)/g)) {
    const h = Number(m[1]);
    if (h >= 1 && h <= 12) add(m[2]!.startsWith('p') ? (h % 12) + 12 : h % 12, 0);
  }
  return out;
}

// Kanji numerals before a date's or time's unit (十二月十五日, 二十日, 三時): digits, so they are read
// as the digits are. Up to 99, as dates and times need.
const KANJI_DIGITS = '〇一二三四五六七八九';
const kanjiNumber = (k: string) => {
  const digit = (c: string | undefined) => (c ? KANJI_DIGITS.indexOf(c) : 0);
  if (!k.includes('十')) return digit(k);
  const [tens, ones] = k.split('十');
  return (tens ? digit(tens) : 1) * 10 + digit(ones);
};
const withDigits = (t: string) =>
  t.replace(/([〇一二三四五六七八九]?十[一二三四五六七八九]?|[〇一二三四五六七八九])(?=\s*[月日時])/g, (k) =>
    String(kanjiNumber(k)),
  );

/** What `ownText` (with the subject) and the request's `sentence` name. */
export function namedWhen(ownText: string, sentence: string): Named {
  const s = withDigits(fold(sentence));
  const daysAhead: number[] = [];
  // 明後日 before 明日, 一昨日 before 昨日: the longer word holds the shorter one. No bare きょう
  // (東京, とうきょう). A past day ("昨日の相談に参加できず…") names a consultation already gone.
  const twoAhead = /明後日|あさって|day after tomorrow/g;
  const twoBack = /一昨日|おととい|day before yesterday/g;
  if (twoAhead.test(s)) daysAhead.push(2);
  if (twoBack.test(s)) daysAhead.push(-2);
  const rest = s.replace(twoAhead, ' ').replace(twoBack, ' ');
  if (/明日|あした|tomorrow/.test(rest)) daysAhead.push(1);
  if (/今日|本日|today/.test(rest)) daysAhead.push(0);
  if (/昨日|きのう|yesterday/.test(rest)) daysAhead.push(-1);
  // 以前の予約, 古い予約, "the old booking": one before the upcoming one, so not it.
  const earlier =
    /先週|前回|先月|以前|古い|last (week|time|month)|(previous|old|earlier) (consultation|appointment|session|booking)/.test(
      s,
    );
  const weeksAhead: number[] = [];
  if (/再来週/.test(s)) weeksAhead.push(2);
  if (/(?<!再)来週|next week/.test(s)) weeksAhead.push(1);
  if (/今週|this week/.test(s)) weeksAhead.push(0);
  const monthsAhead: number[] = [];
  if (/再来月/.test(s)) monthsAhead.push(2);
  if (/(?<!再)来月|next month/.test(s)) monthsAhead.push(1);
  if (/今月|this month/.test(s)) monthsAhead.push(0);
  // 10日の相談: not of 12月10日 nor 12/10, nor a count of days (3日間, 3日前, 3日以内).
  const monthDays = [...s.matchAll(/(?<![\d/]|月\s*)(\d{1,2})\s*日(?![間前後以程ほ])/g)]
    .map((m) => Number(m[1]))
    .filter((d) => d >= 1 && d <= 31);
  const weekdays = [
    ...[...s.matchAll(JA_WEEKDAY)].map((m) => JA_WEEKDAYS.indexOf(m[1]!) + 1),
    ...EN_WEEKDAYS.flatMap((d, i) => (s.includes(d) ? [i + 1] : [])),
  ];
  // "二重に予約してしまったので1つキャンセルしてください": the seeker counts bookings we do not
  // hold; which one they mean is for staff.
  const several =
    /(?<![\d.])[1一]\s*(つ|件)|ひとつ|片方|どちらか|どっちか|両方|全部|すべて|\b(one of (them|the|my)|either|both|all (of )?(my|the))\b/.test(
      s,
    );
  const onTheDay = /当日|on the (same )?day|same[- ]day/.test(s);
  const halves: Named['halves'] = [];
  if (/午前(?!\s*\d)|\bmorning\b/.test(s)) halves.push('am');
  if (/午後(?!\s*\d)|\b(afternoon|evening)\b/.test(s)) halves.push('pm');
  return {
    dates: datesIn(withDigits(fold(ownText))),
    daysAhead,
    earlier,
    weeksAhead,
    monthsAhead,
    monthDays,
    weekdays,
    times: timesIn(s),
    several,
    onTheDay,
    halves,
  };
}

/** Whether a text names any day or time (来週の相談, "the one next month"; 今回の相談 does not). */
export function namesDay(text: string): boolean {
  const n = namedWhen(text, text);
  return (
    n.earlier ||
    n.onTheDay ||
    [n.dates, n.daysAhead, n.weeksAhead, n.monthsAhead, n.monthDays, n.weekdays, n.times, n.halves].some(
      (a) => a.length > 0,
    )
  );
}

/**
 * Why the booking (JST start and end) is not the one named, or undefined when nothing named
 * contradicts it. A month and day from the recent past ("先日11月28日に…") names no booking and is
 * left out; any named day that is the booking's is enough, so is any named time within it.
 */
export function notTheBooking(
  n: Named,
  start: DateTime,
  end: DateTime,
  received: DateTime,
): string | undefined {
  const today = received.startOf('day');
  const recentPast = ({ month, day }: { month: number; day: number }) => {
    const d = DateTime.fromObject({ year: today.year, month, day }, { zone: today.zone });
    return d.isValid && d < today && d >= today.minus({ days: 180 });
  };
  const days = [
    ...n.dates
      .filter((d) => !recentPast(d))
      .map(({ month, day }) => month === start.month && day === start.day),
    ...n.daysAhead.map((k) => today.plus({ days: k }).hasSame(start, 'day')),
    ...n.weekdays.map((w) => w === start.weekday),
    ...n.weeksAhead.map((k) => today.plus({ weeks: k }).hasSame(start, 'week')),
    ...n.monthsAhead.map((k) => today.plus({ months: k }).hasSame(start, 'month')),
    ...n.monthDays.map((d) => d === start.day),
    ...(n.earlier ? [false] : []),
  ];
  if (n.several) return 'one of several bookings named';
  // "当日にキャンセルさせていただいてもよろしいでしょうか", sent days before: may they cancel on the
  // day itself (C2), not "cancel it now". Sent on the day, it is a same-day cancellation (C2 decides).
  if (n.onTheDay && !today.hasSame(start, 'day')) return 'speaks of cancelling on the day itself';
  if (days.length && !days.some(Boolean)) return 'the day named is not the booking’s';
  // Minutes since midnight, in the booking's zone: named times are within [start, end).
  const from = start.hour * 60 + start.minute;
  const to = from + end.diff(start, 'minutes').minutes;
  const within = (t: { hour: number; minute: number }) =>
    t.hour * 60 + t.minute >= from && t.hour * 60 + t.minute < to;
  if (n.times.length && !n.times.some(within)) return 'the time named is not the booking’s';
  if (n.halves.length && !n.halves.includes(start.hour < 12 ? 'am' : 'pm'))
    return 'the time named is not the booking’s';
  return undefined;
}
