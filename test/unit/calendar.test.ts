import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { assignmentOrder } from '../../src/domain/assignment.js';
import {
  assertSlot,
  closedReason,
  leadTimeOk,
  previousWorkingDay,
  slotsOn,
} from '../../src/domain/calendar.js';
import { outOfScopeKind } from '../../src/domain/scope.js';
import { maskSeekerNumber, normaliseSeekerNumber } from '../../src/domain/seeker-number.js';
import { parseJstLocal } from '../../src/domain/time.js';
import { intentWords } from '../../src/intent/words.js';

const config = loadConfig({ env: { MADOGUCHI_STORAGE_KEY: Buffer.alloc(32).toString('base64') } });
const rules = config.booking;
const at = (s: string) => parseJstLocal(s)!;
const code = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe(`office calendar (process TZ=${process.env.TZ ?? 'unset'}; every answer is in JST)`, () => {
  it('B1/B2: ten 30-minute slots on a weekday, 10:00-11:30 and 13:00-15:30', () => {
    expect(slotsOn(at('2026-12-01T00:00'), rules).map((s) => s.toFormat('HH:mm'))).toEqual([
      '10:00',
      '10:30',
      '11:00',
      '11:30',
      '13:00',
      '13:30',
      '14:00',
      '14:30',
      '15:00',
      '15:30',
    ]);
  });

  it('B2: 12:00, 12:30 and 16:00 are refused; 15:30 is accepted', () => {
    expect(code(() => assertSlot(at('2026-12-01T12:00'), rules))).toBe('SLOT_INVALID');
    expect(code(() => assertSlot(at('2026-12-01T12:30'), rules))).toBe('SLOT_INVALID');
    expect(code(() => assertSlot(at('2026-12-01T16:00'), rules))).toBe('SLOT_INVALID');
    expect(code(() => assertSlot(at('2026-12-01T10:15'), rules))).toBe('SLOT_INVALID');
    expect(code(() => assertSlot(at('2026-12-01T15:30'), rules))).toBe('ok');
  });

  it('B3: weekends, national holidays and a substitute holiday are closed', () => {
    expect(closedReason(at('2026-12-05T10:00'), rules)).toBe('weekday'); // Saturday
    expect(closedReason(at('2026-12-06T10:00'), rules)).toBe('weekday'); // Sunday
    expect(closedReason(at('2026-11-23T10:00'), rules)).toBe('national-holiday'); // 勤労感謝の日
    expect(closedReason(at('2026-05-06T10:00'), rules)).toBe('national-holiday'); // こどもの日 振替休日
    expect(closedReason(at('2025-11-24T10:00'), rules)).toBe('national-holiday'); // 振替休日
    expect(code(() => assertSlot(at('2026-05-06T10:00'), rules))).toBe('DAY_CLOSED');
  });

  it('B3: year-end closure 12/29 to 1/3, open on 12/28 and 1/5', () => {
    expect(closedReason(at('2026-12-29T10:00'), rules)).toBe('year-end');
    expect(closedReason(at('2028-01-03T10:00'), rules)).toBe('year-end'); // a Monday
    expect(code(() => assertSlot(at('2028-01-03T10:00'), rules))).toBe('DAY_CLOSED');
    expect(code(() => assertSlot(at('2026-12-29T10:00'), rules))).toBe('DAY_CLOSED');
    expect(closedReason(at('2026-12-28T10:00'), rules)).toBeUndefined();
    expect(closedReason(at('2027-01-05T10:00'), rules)).toBeUndefined();
  });

  it('B3: extra closed dates from config', () => {
    expect(closedReason(at('2026-12-02T10:00'), { ...rules, extraClosedDates: ['2026-12-02'] })).toBe(
      'office-closed',
    );
  });

  it('B3: the JST date decides, not the UTC one (09:30 JST Monday is Sunday in UTC and New York)', () => {
    const instant = DateTime.fromISO('2026-11-30T00:30:00Z'); // Mon 09:30 JST
    expect(closedReason(instant, rules)).toBeUndefined();
    const holiday = DateTime.fromISO('2026-11-22T15:30:00Z'); // Mon 23 Nov 00:30 JST: 勤労感謝の日
    expect(closedReason(holiday, rules)).toBe('national-holiday');
  });

  it('B4: booking is complete by the previous day; Friday booking for Monday is fine; same day is not', () => {
    const monday = at('2026-12-07T10:00');
    expect(leadTimeOk(monday, at('2026-12-04T16:00'), rules)).toBe(true); // Friday
    expect(leadTimeOk(monday, at('2026-12-06T23:59'), rules)).toBe(true); // Sunday night
    expect(leadTimeOk(monday, at('2026-12-07T00:00'), rules)).toBe(false); // JST midnight of the day
    expect(leadTimeOk(monday, at('2026-12-07T09:00'), rules)).toBe(false);
  });

  it('reminders go out on the working day before (Friday for Monday, skipping holidays)', () => {
    expect(previousWorkingDay(at('2026-12-07T10:00'), rules).toISODate()).toBe('2026-12-04');
    expect(previousWorkingDay(at('2026-11-24T10:00'), rules).toISODate()).toBe('2026-11-20'); // 23rd holiday
  });
});

describe('seekers (B6) and scope (B12)', () => {
  it('B6: job-seeker numbers are normalised from full-width digits, other dashes and spaces', () => {
    for (const s of [
      '01020-12345678',
      '０１０２０－１２３４５６７８',
      '01020ー12345678',
      '01020‐12345678',
      '01020 12345678',
      '0102012345678',
    ]) {
      expect(normaliseSeekerNumber(s)).toBe('01020-12345678');
    }
    expect(normaliseSeekerNumber('01020-1234')).toBe('01020-1234');
  });

  it('B6: malformed numbers are refused', () => {
    for (const s of ['', '1020-12345678', '01020-123', '01020-123456789', 'abcde-1234', '01020--1234']) {
      expect(code(() => normaliseSeekerNumber(s))).toBe('SEEKER_INVALID');
    }
  });

  it('B6: output masks the personal part', () => {
    expect(maskSeekerNumber('01020-12345678')).toBe('01020-******78');
  });

  it('B12: new-graduate, disability and vocational-training topics are out of scope', () => {
    const w = intentWords(config);
    expect(outOfScopeKind('新卒の就職相談', w)).toBe('new-graduate');
    expect(outOfScopeKind('障がい者求人について', w)).toBe('disability');
    expect(outOfScopeKind('職業訓練を受けたい', w)).toBe('vocational-training');
    expect(outOfScopeKind('履歴書の添削', w)).toBeUndefined();
    // Words, not substrings: a line failure, a negation, a finished course are not B12.
    expect(outOfScopeKind('自宅の通信障害でZoomがつながらない件', w)).toBeUndefined();
    expect(outOfScopeKind('新卒ではありません。転職の相談', w)).toBeUndefined();
    expect(outOfScopeKind('職業訓練を修了し、求人に応募したい', w)).toBeUndefined();
  });
});

describe('assignment (B9)', () => {
  it('B9: the previous staff member when free, else the least loaded', () => {
    const c = [
      { id: 'a', load: 3 },
      { id: 'b', load: 1 },
      { id: 'c', load: 2 },
    ];
    expect(assignmentOrder(c, 'c')).toEqual(['c', 'b', 'a']);
    expect(assignmentOrder(c, 'gone')).toEqual(['b', 'c', 'a']);
    expect(assignmentOrder(c, undefined)[0]).toBe('b');
  });
});
