import { MadoguchiError } from '../../errors.js';
import { failedJob, operationsStatus, QUEUES } from '../../runtime/operations.js';
import { ACTOR_OPTION, type Command } from '../command.js';
import { withInbound } from './with-services.js';

const PROBLEMS: Record<string, string> = {
  watcher_down:
    'the watcher is down: is `madoguchi run` (or the watcher) running, and can it reach IMAP? (madoguchi doctor)',
  failed_jobs:
    'jobs failed: read their errors, fix the cause, then retry them (madoguchi jobs retry QUEUE ID)',
  quarantine_waiting:
    'mail is quarantined: read the reasons (madoguchi quarantine list) and release what can go again',
  triage_old: 'a triage item has waited more than a day: assign it (madoguchi triage list)',
};

export const opsStatus: Command = {
  path: ['ops', 'status'],
  summary:
    "What is wrong and what to do; queues, failed jobs, alerts, the oldest open triage item (the console's operations page)",
  run: (_a, io) =>
    withInbound(io, async (deps) => {
      const s = await operationsStatus(deps);
      const human = [
        ...(s.problems.length ? s.problems.map((p) => `PROBLEM  ${PROBLEMS[p]}`) : ['no problems found']),
        `watcher  ${s.inbox.watcherUp ? 'up' : 'DOWN'}, last sweep ${s.inbox.lastSweepSecondsAgo ?? '-'} s ago`,
        ...s.queues.map(
          (q) =>
            `queue    ${q.name.padEnd(9)} ${Object.entries(q.counts)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`,
        ),
        ...s.queues.flatMap((q) =>
          q.failed.map((j) => `failed   ${q.name} ${j.id} (${j.name}, ${j.attempts} attempts) ${j.error}`),
        ),
        `triage   ${s.triage.count} open${s.triage.oldest ? `, oldest ${s.triage.ageHours} h` : ''}`,
        ...s.alerts
          .slice(0, 10)
          .map((a) => `alert    ${a.at} ${a.alert}${a.sent ? '' : ' (held back by the hourly cap)'}`),
      ].join('\n');
      return { json: s, human, exitCode: s.problems.length ? 1 : 0 };
    }),
};

const jobCommand = (action: 'retry' | 'remove'): Command => ({
  path: ['jobs', action],
  summary: `${action === 'retry' ? 'Retry' : 'Remove'} one failed job (audited)`,
  usage: `madoguchi jobs ${action} ${QUEUES.join('|')} JOB_ID [--actor NAME]`,
  options: ACTOR_OPTION,
  run: ({ positionals, values }, io) =>
    withInbound(io, async (deps) => {
      const [queue, id] = positionals;
      if (!queue || !id)
        throw new MadoguchiError('USAGE', `jobs ${action} needs a queue and a job id (from ops status)`);
      await failedJob(deps, queue, id, action, String(values.actor));
      return {
        json: { queue, id, action },
        human: `${action === 'retry' ? 'retried' : 'removed'} ${queue}/${id}`,
      };
    }),
});
export const jobsRetry = jobCommand('retry');
export const jobsRemove = jobCommand('remove');
