import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { MadoguchiError } from '../errors.js';
import { sweptRecently } from '../inbound/alerts.js';
import type { InboundDeps } from '../inbound/deps.js';
import { openTriage } from '../triage/queue.js';
import { queueCounts } from './operations.js';

// Prometheus metrics (issue #12), one registry per Node process: counters are counted where the
// work happens (a standalone process serves its own on metrics.port; `madoguchi run` serves all on
// the web process's /metrics), gauges read Redis at scrape time. Labels carry rule names, kinds
// and outcomes only: never an address, a name or a subject (P4, P5).

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'madoguchi_' });

export const mails = new Counter({
  name: 'madoguchi_mails_total',
  help: 'Mails handled, by rule, action and outcome',
  labelNames: ['rule', 'action', 'outcome'] as const,
  registers: [registry],
});
export const mailLatency = new Histogram({
  name: 'madoguchi_mail_latency_seconds',
  help: 'From the mail reaching the mailbox (INTERNALDATE or SMTP receive time) to its handling done',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
  registers: [registry],
});
export const parseSeconds = new Histogram({
  name: 'madoguchi_parse_seconds',
  help: 'Time to parse one mail (skimmed or whole)',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
  registers: [registry],
});
export const parseKills = new Counter({
  name: 'madoguchi_parse_kills_total',
  help: 'Parses stopped at their time or memory limit (the mail is quarantined)',
  labelNames: ['reason'] as const,
  registers: [registry],
});
export const sends = new Counter({
  name: 'madoguchi_outbox_sends_total',
  help: 'Outbox jobs by kind and result (sent, already-sent, failed)',
  labelNames: ['kind', 'result'] as const,
  registers: [registry],
});
export const sendSeconds = new Histogram({
  name: 'madoguchi_outbox_send_seconds',
  help: 'Time to send one outbox mail, by kind',
  labelNames: ['kind'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
  registers: [registry],
});
export const documentChecks = new Counter({
  name: 'madoguchi_document_checks_total',
  help: "Seekers' files checked, by verdict (accepted, or the refusal reason)",
  labelNames: ['verdict'] as const,
  registers: [registry],
});

/** A parse timed and, when stopped at a limit, counted: wraps the inbound worker's parser. */
export function timedParse<A extends unknown[], R>(parse: (...a: A) => Promise<R>): (...a: A) => Promise<R> {
  return async (...a) => {
    const end = parseSeconds.startTimer();
    try {
      return await parse(...a);
    } catch (err) {
      if (
        err instanceof MadoguchiError &&
        (err.code === 'MAIL_PARSE_TIMEOUT' || err.code === 'MAIL_PARSE_MEMORY')
      )
        parseKills.inc({ reason: err.code === 'MAIL_PARSE_TIMEOUT' ? 'time' : 'memory' });
      throw err;
    } finally {
      end();
    }
  };
}

let source: InboundDeps | undefined;
const fromRedis = (
  name: string,
  help: string,
  labelNames: string[],
  read: (g: Gauge, d: InboundDeps) => Promise<void>,
) =>
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      if (source) await read(this, source).catch(() => undefined); // Redis down: the gauge is absent
    },
  });

fromRedis('madoguchi_queue_jobs', 'BullMQ jobs per queue and state', ['queue', 'state'], async (g, d) => {
  for (const q of await queueCounts(d))
    for (const [state, n] of Object.entries(q.counts)) g.set({ queue: q.name, state }, n);
});
fromRedis('madoguchi_watcher_up', '1 when a watcher swept the mailbox recently', [], async (g, d) => {
  g.set(sweptRecently(await d.store.lastHeartbeat(), d.svc.ctx.config.inbound) ? 1 : 0);
});
fromRedis('madoguchi_watcher_last_sweep_age_seconds', 'Seconds since the last sweep', [], async (g, d) => {
  const beat = await d.store.lastHeartbeat();
  if (beat !== undefined) g.set((Date.now() - beat) / 1000);
});
fromRedis('madoguchi_quarantine_size', 'Mails in quarantine', [], async (g, d) => {
  g.set(await d.store.redis.zcard(d.store.k('quarantine')));
});
fromRedis('madoguchi_triage_open', 'Triage items not done', [], async (g, d) => {
  g.set((await openTriage(d)).count);
});
fromRedis(
  'madoguchi_triage_oldest_open_age_seconds',
  'Age of the oldest triage item not done (0 when none)',
  [],
  async (g, d) => {
    const t = await openTriage(d);
    g.set(t.oldest ? (Date.now() - Date.parse(t.oldest)) / 1000 : 0);
  },
);

/** The Redis the gauges read (the last process started in this Node process provides it). */
export function metricsFrom(deps: InboundDeps): void {
  source = deps;
}

/** The text Prometheus scrapes. */
export const metricsText = () => registry.metrics();
export const METRICS_CONTENT_TYPE = registry.contentType;
