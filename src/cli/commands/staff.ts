import { createInterface } from 'node:readline';
import type { Staff } from '../../bookings/model.js';
import { addStaff, findStaff, type StaffInput, updateStaff } from '../../bookings/staff.js';
import { MadoguchiError } from '../../errors.js';
import { Accounts, passwordProblem } from '../../web/accounts.js';
import type { Command, OptionSpec } from '../command.js';
import { withServices } from './with-services.js';

const FIELDS: OptionSpec = {
  name: { type: 'string' },
  email: { type: 'string' },
  'zoom-id': { type: 'string' },
  'zoom-passcode': { type: 'string' },
  availability: { type: 'string' },
  'days-off': { type: 'string' },
  role: { type: 'string' },
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
  const role = s('role');
  if (role !== undefined && role !== 'staff' && role !== 'admin')
    throw new MadoguchiError('STAFF_INVALID', '--role must be staff or admin');
  return {
    ...(role ? { role } : {}),
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

/** A line typed on the terminal without echo (raw mode: the terminal shows nothing). */
function hiddenLine(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let line = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(line);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new MadoguchiError('USAGE', 'cancelled'));
        line = ch === '\u007f' || ch === '\b' ? line.slice(0, -1) : line + ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The password twice: typed without echo on a terminal, or two piped lines (scripts, tests). */
async function readTwice(): Promise<[string, string]> {
  if (process.stdin.isTTY) return [await hiddenLine('新しいパスワード: '), await hiddenLine('もう一度: ')];
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines: string[] = [];
  for await (const l of rl) if (lines.push(l) === 2) break;
  rl.close();
  return [lines[0] ?? '', lines[1] ?? ''];
}

export const staffSetPassword: Command = {
  path: ['staff', 'set-password'],
  summary: 'Set a staff member’s console password (prompted twice), or print a one-time set-password link',
  usage: 'madoguchi staff set-password ID|EMAIL [--link --base-url URL]',
  options: { link: { type: 'boolean' }, 'base-url': { type: 'string' } },
  run: ({ values, positionals }, io) =>
    withServices(io, async (svc) => {
      const who = positionals[0];
      if (!who) throw new MadoguchiError('USAGE', 'staff set-password needs an id or email');
      const staff = await findStaff(svc.store, who);
      const accounts = new Accounts(svc.ctx.redis, svc.config.connections.redisPrefix);
      if (values.link) {
        const base =
          typeof values['base-url'] === 'string'
            ? values['base-url']
            : `http://${svc.config.web.host}:${svc.config.web.port}`;
        const url = `${base.replace(/\/$/, '')}/set-password?token=${await accounts.linkToken(staff.id)}`;
        return { json: { id: staff.id, url }, human: url };
      }
      const [a, b] = await readTwice();
      const problem = passwordProblem(a) ?? (a !== b ? 'the two passwords differ' : undefined);
      if (problem) throw new MadoguchiError('STAFF_INVALID', problem);
      await accounts.setPassword(staff.id, a);
      return { json: { id: staff.id }, human: `password set for ${staff.id}` };
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
