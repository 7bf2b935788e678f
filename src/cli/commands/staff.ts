import type { Staff } from '../../bookings/model.js';
import { addStaff, findStaff, type StaffInput, updateStaff } from '../../bookings/staff.js';
import { MadoguchiError } from '../../errors.js';
import type { Command, OptionSpec } from '../command.js';
import { withServices } from './with-services.js';

const FIELDS: OptionSpec = {
  name: { type: 'string' },
  email: { type: 'string' },
  'zoom-id': { type: 'string' },
  'zoom-passcode': { type: 'string' },
  availability: { type: 'string' },
  'days-off': { type: 'string' },
};

function input(v: Record<string, unknown>): StaffInput {
  const s = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  let availability: Record<string, string[]> | undefined;
  if (s('availability')) {
    try {
      availability = JSON.parse(s('availability')!);
    } catch {
      throw new MadoguchiError('STAFF_INVALID', '--availability must be JSON like {"1":["10:00-12:00"]}');
    }
  }
  return {
    name: s('name'),
    email: s('email'),
    zoomId: s('zoom-id'),
    zoomPasscode: s('zoom-passcode'),
    availability,
    daysOff: s('days-off')
      ?.split(',')
      .map((d) => d.trim())
      .filter(Boolean),
  };
}

const line = (s: Staff) => `${s.id}  ${s.active ? 'active  ' : 'inactive'}  ${s.email}  ${s.name}`;

export const staffAdd: Command = {
  path: ['staff', 'add'],
  summary: 'Register a staff member (name, email, standing Zoom meeting ID and passcode)',
  usage:
    'madoguchi staff add --name N --email E --zoom-id I --zoom-passcode P [--availability JSON] [--days-off D,D]',
  options: FIELDS,
  run: ({ values }, io) =>
    withServices(io, async (svc) => {
      const s = await addStaff(svc.store, input(values));
      return { json: s, human: `added ${line(s)}` };
    }),
};

export const staffList: Command = {
  path: ['staff', 'list'],
  summary: 'List staff members',
  run: (_a, io) =>
    withServices(io, async (svc) => {
      const all = await svc.store.listStaff();
      return { json: all, human: all.map(line).join('\n') || '(no staff)' };
    }),
};

export const staffUpdate: Command = {
  path: ['staff', 'update'],
  summary: 'Change a staff member (by id or email)',
  usage:
    'madoguchi staff update ID|EMAIL [--name …] [--email …] [--zoom-id …] [--zoom-passcode …] [--availability JSON] [--days-off …]',
  options: FIELDS,
  run: ({ values, positionals }, io) =>
    withServices(io, async (svc) => {
      const who = positionals[0];
      if (!who) throw new MadoguchiError('USAGE', 'staff update needs an id or email');
      const s = await updateStaff(svc.store, who, input(values));
      return { json: s, human: `updated ${line(s)}` };
    }),
};

export const staffDeactivate: Command = {
  path: ['staff', 'deactivate'],
  summary: 'Stop assigning new bookings to a staff member (existing bookings stay)',
  usage: 'madoguchi staff deactivate ID|EMAIL',
  run: ({ positionals }, io) =>
    withServices(io, async (svc) => {
      const who = positionals[0];
      if (!who) throw new MadoguchiError('USAGE', 'staff deactivate needs an id or email');
      const cur = await findStaff(svc.store, who);
      const s = { ...cur, active: false };
      await svc.store.putStaff(s);
      return { json: s, human: `deactivated ${line(s)}` };
    }),
};
