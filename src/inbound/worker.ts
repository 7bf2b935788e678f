import { Worker } from 'bullmq';
import { replicated } from '../adapters/redis.js';
import { jst } from '../domain/time.js';
import { AnalyserThread } from '../intent/analyser.js';
import type { Context } from '../runtime/context.js';
import { mailLatency, mails, metricsFrom, timedParse } from '../runtime/metrics.js';
import type { Handle } from '../runtime/processes.js';
import { workerOptions } from '../runtime/queues.js';
import { migrateTriage } from '../triage/queue.js';
import { type InboundDeps, inboundDeps } from './deps.js';
import { handleMail, opsAlert } from './handle.js';
import { Mover } from './mover.js';
import { warmParser } from './parse.js';
import { parseThreads } from './parse-threads.js';
import { INBOUND_QUEUE } from './queue.js';
import type { MailRef } from './store.js';

async function giveUp(ctx: Context, deps: InboundDeps, mover: Mover, ref: MailRef): Promise<void> {
  const plan = {
    hash: ref.hash,
    rule: 'retries',
    action: 'quarantine',
    outcome: 'quarantine' as const,
    reason: 'HANDLING_FAILED',
  };
  await deps.store.markDone(ref, plan, { mail: ref.hash.slice(0, 16), ...plan, actor: 'inbound' });
  await replicated(ctx.redis, ctx.config);
  await opsAlert(
    deps,
    `failed-${ref.hash}`,
    'メールを処理できませんでした',
    `メッセージ: ${ref.hash.slice(0, 16)}（再試行の上限）`,
  );
  await mover.move(ref.hash, 'quarantine');
}

/**
 * First use is slow (mailparser's lazy parts, iconv tables, luxon's ICU data, the IMAP login):
 * paid at start, not by the first mail. A failure here is not fatal (IMAP may be down; the mover
 * connects again when it has work). The analyser is not loaded here: its thread starts with the
 * first mail that needs it (src/intent/analyser.ts).
 */
async function warmUp(ctx: Context, mover: Mover): Promise<void> {
  jst(new Date().toISOString());
  await mover.connect().catch((err: unknown) => ctx.log.warn('mover could not connect yet', { err }));
}

/** The inbound worker process: decides and acts on each spooled mail, then moves it on the server. */
export async function startInbound(ctx: Context): Promise<Handle> {
  const threads = ctx.config.inbound.parseThreads > 0 ? parseThreads(ctx.config) : undefined;
  threads?.warm();
  const analyser = new AnalyserThread();
  const deps = inboundDeps(ctx, { analyser, ...(threads ? { parse: threads.parse } : {}) });
  deps.parse = timedParse(deps.parse);
  metricsFrom(deps);
  const log = ctx.log.child({ proc: 'inbound' });
  const mover = new Mover(ctx.config, deps.store, log);
  await Promise.all([warmUp(ctx, mover), threads ? undefined : warmParser()]);
  const migrated = await migrateTriage(deps);
  if (migrated) log.info('triage items migrated', { open: migrated });
  const worker = new Worker<MailRef>(
    INBOUND_QUEUE,
    async (job) => {
      const plan = await handleMail(deps, job.data);
      await replicated(ctx.redis, ctx.config); // the move is the acknowledgement: a failover must not undo the decision
      await mover.move(job.data.hash, plan.outcome);
      return { rule: plan.rule, action: plan.action, outcome: plan.outcome };
    },
    workerOptions(ctx, 4),
  );
  // Ids and rule names only (P4): never a subject, an address or a body.
  worker.on('completed', (job, res) => {
    log.info('mail handled', { mail: job.data.hash.slice(0, 16), ...res });
    mails.inc(res);
    mailLatency.observe(Math.max(0, Date.now() - Date.parse(job.data.internalDate)) / 1000);
  });
  worker.on('failed', (job, err) => {
    log.warn('mail handling failed', { mail: job?.data.hash.slice(0, 16), attempt: job?.attemptsMade, err });
    // Out of retries: the mail must not sit in the mailbox forever unseen. Quarantine it.
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
      giveUp(ctx, deps, mover, job.data).catch((e) =>
        log.error('could not quarantine a failed mail', { err: e }),
      );
  });
  worker.on('error', (err) => log.error('inbound worker error', { err }));
  await worker.waitUntilReady();
  return {
    name: 'inbound',
    async close() {
      await worker.close();
      await threads?.close();
      await analyser.close();
      await mover.close();
      await deps.svc.close();
    },
  };
}
