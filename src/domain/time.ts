import { DateTime } from 'luxon';

// Every office rule runs in Japan time, whatever the machine's TZ: never use a bare Date's local
// fields or luxon's default zone here.
export const ZONE = 'Asia/Tokyo';

/** 'YYYY-MM-DDTHH:mm' read as Japan time (what staff type). Undefined when not a real time. */
export function parseJstLocal(text: string): DateTime | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text)) return undefined;
  const dt = DateTime.fromISO(text, { zone: ZONE });
  return dt.isValid ? dt : undefined;
}

export function jst(instant: Date | number | string): DateTime {
  const dt =
    typeof instant === 'string'
      ? DateTime.fromISO(instant, { zone: ZONE })
      : DateTime.fromMillis(typeof instant === 'number' ? instant : instant.getTime(), { zone: ZONE });
  return dt.setZone(ZONE);
}

/** The JST calendar date, 'YYYY-MM-DD'. */
export const jstDate = (dt: DateTime): string => dt.setZone(ZONE).toISODate()!;

/** Weekday names as Japanese writes them, Monday first (luxon's weekday 1 is index 0). */
export const JA_WEEKDAYS = '月火水木金土日';

/** '2026年12月1日(火) 10:00〜10:30' for messages. */
export function formatJaRange(start: DateTime, end: DateTime): string {
  const s = start.setZone(ZONE);
  const wd = JA_WEEKDAYS[s.weekday - 1];
  return `${s.year}年${s.month}月${s.day}日(${wd}) ${s.toFormat('HH:mm')}〜${end.setZone(ZONE).toFormat('HH:mm')}`;
}
