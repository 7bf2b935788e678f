import { describe, expect, it } from 'vitest';
import { jst } from '../../src/domain/time.js';
import { namedWhen, notTheBooking } from '../../src/intent/when.js';

// The booking: Thursday 2026-12-10, 14:00-14:30 JST. The mail: received Friday 2026-12-04, 10:00 JST.
const start = jst('2026-12-10T05:00:00Z');
const end = jst('2026-12-10T05:30:00Z');
const received = jst('2026-12-04T01:00:00Z');
const check = (sentence: string, own = sentence) =>
  notTheBooking(namedWhen(own, sentence), start, end, received);

describe('the days and times a cancellation names (when.ts)', () => {
  it('reads Japanese and English dates and times, full-width digits included', () => {
    expect(namedWhen('１２月１０日の件', '午後２時半の相談をキャンセルします')).toEqual({
      dates: [{ month: 12, day: 10 }],
      daysAhead: [],
      earlier: false,
      weeksAhead: [],
      monthsAhead: [],
      onTheDay: false,
      halves: [],
      monthDays: [],
      weekdays: [],
      times: [{ hour: 14, minute: 30 }],
      several: false,
    });
    expect(namedWhen('please cancel dec 10th, 2:30 pm', 'please cancel dec 10th, 2:30 pm')).toMatchObject({
      dates: [{ month: 12, day: 10 }],
      times: [{ hour: 14, minute: 30 }],
    });
    expect(namedWhen('', '明後日の予約は取り消します').daysAhead).toEqual([2]);
    expect(namedWhen('', 'cancel tomorrow at 10am, 2026/12/10')).toMatchObject({
      daysAhead: [1],
      times: [{ hour: 10, minute: 0 }],
    });
  });

  it('does not read a duration, a word holding a month name, or a path as a day or time', () => {
    expect(
      namedWhen('we decide 10 things; see /docs/12/10', '2時間前に連絡しましたがキャンセルします'),
    ).toEqual({
      dates: [],
      daysAhead: [],
      earlier: false,
      weeksAhead: [],
      monthsAhead: [],
      onTheDay: false,
      halves: [],
      monthDays: [],
      weekdays: [],
      times: [],
      several: false,
    });
  });

  it('the booking named by day, date, weekday or time is the booking', () => {
    expect(check('12月10日14時からの相談をキャンセルします')).toBeUndefined();
    expect(check('木曜日の相談をキャンセルします')).toBeUndefined();
    expect(check('14:15からの面談はキャンセルで')).toBeUndefined();
    expect(check('キャンセルします')).toBeUndefined();
    // A date of the recent past names no booking; any named day that is the booking's is enough.
    expect(check('キャンセルします', '先日11月28日にお電話しました。キャンセルします')).toBeUndefined();
    expect(check('12月10日の予約をキャンセルします', '11月28日と12月10日')).toBeUndefined();
  });

  it('another day or time is another booking: staff decide', () => {
    expect(check('明日の相談をキャンセルします')).toBe('the day named is not the booking’s');
    expect(check('12月5日の予約をキャンセルします')).toBe('the day named is not the booking’s');
    expect(check('火曜日の相談をキャンセルします')).toBe('the day named is not the booking’s');
    expect(check('10時の予約をキャンセルします')).toBe('the time named is not the booking’s');
    expect(check('I need to cancel my appointment tomorrow')).toBe('the day named is not the booking’s');
    // A consultation already gone: yesterday's, last week's, the previous one.
    expect(check('昨日の相談に参加できず申し訳ありません')).toBe('the day named is not the booking’s');
    expect(check('一昨日の面談をキャンセルします')).toBe('the day named is not the booking’s');
    expect(check('先週の相談に参加できませんでした')).toBe('the day named is not the booking’s');
    expect(check('I could not attend my appointment last week')).toBe('the day named is not the booking’s');
    // Said of when it was booked, beside the booking's own day: the booking.
    expect(check('先週予約した木曜日の相談をキャンセルします')).toBeUndefined();
    // The week named (received Friday 4 December; the booking is Thursday of the next week).
    expect(check('来週の相談をキャンセルします')).toBeUndefined();
    expect(check('今週の相談をキャンセルします')).toBe('the day named is not the booking’s');
    expect(check('再来週の相談をキャンセルします')).toBe('the day named is not the booking’s');
    expect(check('please cancel my appointment next week')).toBeUndefined();
    // Kanji numerals read as digits; a half of the day without a time (the booking is at 14:00).
    expect(check('十二月十日の相談をキャンセルします')).toBeUndefined();
    expect(check('十二月十五日の相談をキャンセルします')).toBe('the day named is not the booking’s');
    expect(check('二十日の相談をキャンセルします')).toBe('the day named is not the booking’s');
    expect(check('午後の相談をキャンセルします')).toBeUndefined();
    expect(check('午前の相談をキャンセルします')).toBe('the time named is not the booking’s');
    expect(check('please cancel my appointment this morning')).toBe('the time named is not the booking’s');
    // The month named: the booking is in December, received 4 December.
    expect(check('今月の相談をキャンセルします')).toBeUndefined();
    expect(check('来月の予約をキャンセルします')).toBe('the day named is not the booking’s');
    expect(check('please cancel my appointment next month')).toBe('the day named is not the booking’s');
    // Cancelling on the day itself, asked days before: a question of C2, not "cancel it now".
    expect(check('当日にキャンセルさせていただいてもよろしいでしょうか')).toBe(
      'speaks of cancelling on the day itself',
    );
    // A day of the month without its month; a count of days is none.
    expect(check('10日の相談をキャンセルします')).toBeUndefined();
    expect(check('11日の相談をキャンセルします')).toBe('the day named is not the booking’s');
    expect(check('3日前に予約した相談をキャンセルします')).toBeUndefined();
    expect(namedWhen('', '12月11日、12/11の予約を取り消します').monthDays).toEqual([]);
    // Far enough back to be next year's: not the booking's either.
    expect(check('1月5日の相談をキャンセルします')).toBe('the day named is not the booking’s');
    // An earlier booking than the upcoming one.
    expect(check('以前の予約はキャンセルしてください')).toBe('the day named is not the booking’s');
    expect(check('Please cancel the old booking')).toBe('the day named is not the booking’s');
  });

  it('one of several bookings, or all, counted by a seeker who has one: staff decide', () => {
    for (const s of [
      '二重に予約してしまったので、1つキャンセルしてください',
      '予約を一つ取り消してください',
      '片方の予約をキャンセルしてください',
      '両方キャンセルでお願いします',
      'I booked twice by mistake. Please cancel one of them.',
      'Please cancel both appointments.',
    ])
      expect(check(s), s).toBe('one of several bookings named');
    // Not a count: a date, a time, 10日, 11時.
    expect(check('12月10日14時の相談をキャンセルします')).toBeUndefined();
  });
});
