import { findStaff } from '../../bookings/staff.js';
import { jst } from '../../domain/time.js';
import { MadoguchiError } from '../../errors.js';
import { threadMails } from '../../triage/mail.js';
import {
  assignTriage,
  doneTriage,
  listTriage,
  TRIAGE_STATES,
  type TriageItem,
  type TriageState,
  triageItem,
} from '../../triage/queue.js';
import { ACTOR_OPTION, type Command, firstPositional } from '../command.js';
import { withInbound } from './with-services.js';

const needId = (p: string[], cmd: string) => firstPositional(p, cmd, 'a triage item id (from triage list)');
// Ids, rules and states only on a shared terminal by default (P5): `show` opens one mail.
const line = (x: TriageItem) =>
  `${x.id}  ${jst(x.at).toFormat('yyyy-MM-dd HH:mm')}  ${x.state.padEnd(8)}  ${x.rule.padEnd(10)}  ${x.reason}${x.assignee ? `  → ${x.assignee}` : ''}`;

export const triageList: Command = {
  path: ['triage', 'list'],
  summary: 'Mail waiting for staff (open first, oldest first), with the rule and reason',
  usage: 'madoguchi triage list [--state open|assigned|done] [--mine EMAIL]',
  options: { state: { type: 'string' }, mine: { type: 'string' } },
  run: ({ values }, io) =>
    withInbound(io, async (deps) => {
      const state = values.state as TriageState | undefined;
      if (state && !TRIAGE_STATES.includes(state))
        throw new MadoguchiError('USAGE', `--state must be one of ${TRIAGE_STATES.join(', ')}`);
      const assignee =
        typeof values.mine === 'string' ? (await findStaff(deps.svc.store, values.mine)).id : undefined;
      const items = await listTriage(deps, {
        ...(state ? { state } : {}),
        ...(assignee ? { assignee } : {}),
      });
      return { json: items, human: items.map(line).join('\n') || '(nothing to triage)' };
    }),
};

export const triageShow: Command = {
  path: ['triage', 'show'],
  summary: 'One triage item with its mail (sender, subject, text, files): for staff eyes, never logged',
  usage: 'madoguchi triage show ID',
  run: ({ positionals }, io) =>
    withInbound(io, async (deps) => {
      const item = await triageItem(deps, needId(positionals, 'triage show'));
      const mails = await threadMails(deps, item);
      return {
        json: { ...item, mails },
        human: [
          line(item),
          ...mails.flatMap((m) => [
            '',
            `Mail ${m.id}`,
            `From: ${m.from}${m.flagged ? '  (a delivery failure was reported for this address)' : ''}`,
            `Subject: ${m.subject}`,
            ...m.files.map(
              (f) =>
                `File ${f.n}: ${f.filename} (${f.kind}, ${f.size} bytes)${f.refused ? ` refused: ${f.refused}` : ''}`,
            ),
            '',
            m.text,
          ]),
        ].join('\n'),
      };
    }),
};

export const triageAssign: Command = {
  path: ['triage', 'assign'],
  summary: 'Assign a triage item to a staff member (audited)',
  usage: 'madoguchi triage assign ID --to EMAIL [--actor NAME]',
  options: { to: { type: 'string' }, ...ACTOR_OPTION },
  run: ({ positionals, values }, io) =>
    withInbound(io, async (deps) => {
      if (typeof values.to !== 'string') throw new MadoguchiError('USAGE', 'triage assign needs --to EMAIL');
      const item = await assignTriage(
        deps,
        needId(positionals, 'triage assign'),
        values.to,
        String(values.actor),
      );
      return { json: item, human: `assigned ${line(item)}` };
    }),
};

export const triageDone: Command = {
  path: ['triage', 'done'],
  summary: 'Mark a triage item done, with an optional note (audited)',
  usage: 'madoguchi triage done ID [--note T] [--actor NAME]',
  options: { note: { type: 'string' }, ...ACTOR_OPTION },
  run: ({ positionals, values }, io) =>
    withInbound(io, async (deps) => {
      const note = typeof values.note === 'string' ? values.note : '';
      const item = await doneTriage(deps, needId(positionals, 'triage done'), note, String(values.actor));
      return { json: item, human: `done ${line(item)}` };
    }),
};
