import { inboxStatus, quarantineRelease, quarantineShow } from '../../inbound/admin.js';
import { ACTOR_OPTION, type Command, firstPositional } from '../command.js';
import { withInbound } from './with-services.js';

const needHash = (p: string[], cmd: string) =>
  firstPositional(p, cmd, 'a mail id (a prefix of its hash, from quarantine list)');

export const inboxStatusCmd: Command = {
  path: ['inbox', 'status'],
  summary: 'The watched mailbox: watcher, last sweep, watermark, jobs, quarantine and triage counts',
  run: (_a, io) =>
    withInbound(io, async (deps) => {
      const s = await inboxStatus(deps);
      const human = [
        `mailbox      ${s.mailbox}`,
        `watcher      ${s.watcherUp ? 'up' : 'DOWN'} (${s.watcher ?? 'no lease holder'}; last sweep ${s.lastSweepSecondsAgo ?? '-'} s ago)`,
        `watermark    UIDVALIDITY ${s.uidValidity ?? '-'}, last UID ${s.lastUid}`,
        `jobs         ${Object.entries(s.jobs)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
        `quarantine   ${s.quarantined}`,
        `triage       ${s.triage}`,
      ].join('\n');
      return { json: s, human, exitCode: s.watcherUp ? 0 : 1 };
    }),
};

export const quarantineList: Command = {
  path: ['quarantine', 'list'],
  summary: 'Quarantined mail with the reason for each',
  run: (_a, io) =>
    withInbound(io, async (deps) => {
      const all = await deps.store.quarantined();
      return {
        json: all,
        human:
          all.map((q) => `${q.hash.slice(0, 16)}  ${q.at}  ${q.rule}  ${q.reason}`).join('\n') ||
          '(quarantine is empty)',
      };
    }),
};

export const quarantineShowCmd: Command = {
  path: ['quarantine', 'show'],
  summary: 'One quarantined mail: reason, sender, subject, attachment names',
  usage: 'madoguchi quarantine show ID',
  run: ({ positionals }, io) =>
    withInbound(io, async (deps) => {
      const q = await quarantineShow(deps, needHash(positionals, 'quarantine show'));
      return {
        json: q,
        human: Object.entries(q)
          .map(([k, v]) => `${k.padEnd(12)} ${Array.isArray(v) ? v.join(', ') : v}`)
          .join('\n'),
      };
    }),
};

export const quarantineReleaseCmd: Command = {
  path: ['quarantine', 'release'],
  summary: 'Put a quarantined mail back into the watched mailbox to be handled again',
  usage: 'madoguchi quarantine release ID [--actor NAME]',
  options: ACTOR_OPTION,
  run: ({ positionals, values }, io) =>
    withInbound(io, async (deps) => {
      const r = await quarantineRelease(
        deps,
        needHash(positionals, 'quarantine release'),
        String(values.actor),
      );
      return { json: r, human: `released ${r.hash.slice(0, 16)}: the watcher will take it again` };
    }),
};
