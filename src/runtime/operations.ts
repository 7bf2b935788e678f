import type { Queue } from 'bullmq';
import { MadoguchiError } from '../errors.js';
import { inboxStatus } from '../inbound/admin.js';
import type { InboundDeps } from '../inbound/deps.js';
import { createInboundQueue } from '../inbound/queue.js';
import { createOutboxQueue } from '../outbox/queue.js';
import { createScheduleQueue } from '../scheduler/queue.js';
import { openTriage } from '../triage/queue.js';

// The operations page and CLI (issue #11): what runs, what waits, what failed, and what to do.

export const QUEUES = ['inbound', 'outbox', 'schedule'] as const;
export type QueueName = (typeof QUEUES)[number];

const open = (deps: InboundDeps, name: QueueName): Queue =>
  name === 'inbound'
    ? createInboundQueue(deps.svc.ctx)
    : name === 'outbox'
      ? createOutboxQueue(deps.svc.ctx)
      : createScheduleQueue(deps.svc.ctx);

async function withQueue<T>(deps: InboundDeps, name: string, f: (q: Queue) => Promise<T>): Promise<T> {
  if (!(QUEUES as readonly string[]).includes(name))
    throw new MadoguchiError('USAGE', `queue must be one of ${QUEUES.join(', ')}`);
  const q = open(deps, name as QueueName);
  try {
    return await f(q);
  } finally {
    await q.close();
  }
}

/** A problem an operator can act on, by code (the page words it and says what to do). */
export type Problem = 'watcher_down' | 'failed_jobs' | 'quarantine_waiting' | 'triage_old';

/** An item waiting longer than this is late (a working day). */
const TRIAGE_LATE_MS = 24 * 3_600_000;

const jobCounts = (q: Queue) => q.getJobCounts('waiting', 'active', 'delayed', 'failed');

/** Jobs per queue and state (the metrics read only these). */
export async function queueCounts(deps: InboundDeps) {
  return Promise.all(
    QUEUES.map((name) => withQueue(deps, name, async (q) => ({ name, counts: await jobCounts(q) }))),
  );
}

export async function operationsStatus(deps: InboundDeps, now = Date.now()) {
  const inbox = await inboxStatus(deps);
  const queues = [];
  for (const name of QUEUES)
    queues.push(
      await withQueue(deps, name, async (q) => ({
        name,
        counts: await jobCounts(q),
        // Ids, names, attempts and the error only: a job's data may hold addresses (P5).
        failed: (await q.getFailed(0, 19)).map((j) => ({
          id: j.id ?? '',
          name: j.name,
          attempts: j.attemptsMade,
          at: new Date(j.finishedOn ?? j.timestamp).toISOString(),
          error: (j.failedReason ?? '').slice(0, 300),
        })),
      })),
    );
  const triage = await openTriage(deps);
  const triageAgeH = triage.oldest ? Math.floor((now - Date.parse(triage.oldest)) / 3_600_000) : undefined;
  const alerts = await recentAlerts(deps);
  const problems: Problem[] = [];
  if (!inbox.watcherUp) problems.push('watcher_down');
  if (queues.some((q) => q.counts.failed)) problems.push('failed_jobs');
  if (inbox.quarantined) problems.push('quarantine_waiting');
  if (triage.oldest && now - Date.parse(triage.oldest) > TRIAGE_LATE_MS) problems.push('triage_old');
  return { inbox, queues, triage: { ...triage, ageHours: triageAgeH ?? null }, alerts, problems };
}

/** Retry or remove one failed job (an operator's decision, audited with ids only). */
export async function failedJob(
  deps: InboundDeps,
  queue: string,
  id: string,
  action: 'retry' | 'remove',
  actor: string,
): Promise<void> {
  await withQueue(deps, queue, async (q) => {
    const job = await q.getJob(id);
    if (!job || !(await job.isFailed()))
      throw new MadoguchiError('NOT_FOUND', `no failed job ${id} in ${queue}`);
    if (action === 'retry') await job.retry('failed');
    else await job.remove();
  });
  await deps.store.audit({
    rule: 'ops',
    action: `job-${action}`,
    job: `${queue}/${id}`,
    actor,
    outcome: 'ok',
    reason: 'operator',
  });
}

/** Alerts sent (or held back by the hourly cap) lately, newest first: what and when, no personal data. */
export async function recentAlerts(
  deps: InboundDeps,
): Promise<Array<{ at: string; alert: string; sent: boolean }>> {
  const rows = await deps.store.redis.lrange(deps.store.k('alerts-recent'), 0, 49);
  return rows.map((r) => JSON.parse(r) as { at: string; alert: string; sent: boolean });
}

/** Remember an alert for the operations page, once per alert key (a retry does not repeat it). */
export async function rememberAlert(deps: InboundDeps, key: string, alert: string, sent: boolean) {
  const r = deps.store.redis;
  if ((await r.set(deps.store.k('alert-seen', key), '1', 'EX', 7 * 86400, 'NX')) !== 'OK') return;
  await r
    .multi()
    .lpush(deps.store.k('alerts-recent'), JSON.stringify({ at: new Date().toISOString(), alert, sent }))
    .ltrim(deps.store.k('alerts-recent'), 0, 49)
    .exec();
}
