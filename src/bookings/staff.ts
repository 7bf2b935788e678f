import { randomUUID } from 'node:crypto';
import type { DateTime } from 'luxon';
import { textProblems } from '../domain/text.js';
import { jstDate, ZONE } from '../domain/time.js';
import { MadoguchiError } from '../errors.js';
import type { Staff } from './model.js';
import type { BookingStore } from './store.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const RANGE = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;

export interface StaffInput {
  name?: string;
  email?: string;
  zoomId?: string;
  zoomPasscode?: string;
  availability?: Record<string, string[]>;
  daysOff?: string[];
  active?: boolean;
  role?: 'staff' | 'admin';
}

function validate(s: Staff): void {
  const problems = textProblems({
    name: s.name,
    email: s.email,
    'zoom-id': s.zoomId,
    'zoom-passcode': s.zoomPasscode,
  });
  if (!s.name.trim()) problems.push('name is required');
  if (!EMAIL.test(s.email)) problems.push('email is not an e-mail address');
  if (!/^\d[\d ]{8,13}\d$/.test(s.zoomId)) problems.push('zoom-id must be a 9-11 digit Zoom meeting ID');
  if (!s.zoomPasscode.trim()) problems.push('zoom-passcode is required');
  for (const [day, ranges] of Object.entries(s.availability)) {
    if (!/^[1-7]$/.test(day)) problems.push(`availability day ${day} must be an ISO weekday 1-7`);
    for (const r of ranges) if (!RANGE.test(r)) problems.push(`availability range ${r} must be HH:mm-HH:mm`);
  }
  for (const d of s.daysOff)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) problems.push(`day off ${d} must be YYYY-MM-DD`);
  if (problems.length)
    throw new MadoguchiError('STAFF_INVALID', problems.join('; '), { details: { problems } });
}

export async function addStaff(store: BookingStore, input: StaffInput): Promise<Staff> {
  const s: Staff = {
    id: `st_${randomUUID().slice(0, 8)}`,
    name: input.name ?? '',
    email: (input.email ?? '').trim().toLowerCase(),
    active: true,
    zoomId: (input.zoomId ?? '').trim(),
    zoomPasscode: input.zoomPasscode ?? '',
    availability: input.availability ?? {},
    daysOff: input.daysOff ?? [],
    role: input.role ?? 'staff',
  };
  validate(s);
  if (await store.staffIdByEmail(s.email))
    throw new MadoguchiError('STAFF_INVALID', `a staff member with email ${s.email} exists`);
  await store.putStaff(s);
  return s;
}

export async function findStaff(store: BookingStore, idOrEmail: string): Promise<Staff> {
  const id = idOrEmail.includes('@') ? await store.staffIdByEmail(idOrEmail) : idOrEmail;
  const s = id ? await store.getStaff(id) : undefined;
  if (!s) throw new MadoguchiError('NOT_FOUND', `no staff member ${idOrEmail}`);
  return s;
}

export async function updateStaff(store: BookingStore, idOrEmail: string, input: StaffInput): Promise<Staff> {
  const cur = await findStaff(store, idOrEmail);
  const next: Staff = {
    ...cur,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
  };
  next.email = next.email.toLowerCase();
  validate(next);
  await store.putStaff(next);
  return next;
}

/** Whether the staff member takes consultations over [start, start+minutes) (weekly hours, days off). */
export function staffAvailable(s: Staff, start: DateTime, minutes: number): boolean {
  if (!s.active) return false;
  const t = start.setZone(ZONE);
  if (s.daysOff.includes(jstDate(t))) return false;
  // No weekly hours on record = available whenever the office is open.
  if (Object.keys(s.availability).length === 0) return true;
  const ranges = s.availability[String(t.weekday)] ?? [];
  const from = t.toFormat('HH:mm');
  const to = t.plus({ minutes }).toFormat('HH:mm');
  return ranges.some((r) => r.slice(0, 5) <= from && to <= r.slice(6));
}
