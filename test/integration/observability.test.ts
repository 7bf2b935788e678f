import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/devstack/ports.js';
import { inboundDeps } from '../../src/inbound/deps.js';
import { createContext } from '../../src/runtime/context.js';
import { readiness, startProbeServer } from '../../src/runtime/health.js';
import { buildWeb } from '../../src/web/server.js';
import { appendRaw } from '../helpers/imap.js';
import { type InboundStack, inboundStack, waitHandled } from '../helpers/inbound.js';
import { idOf, mail } from '../helpers/mail.js';
import { testConfig, testEnv, withSettings } from '../helpers/stack.js';

// Issue #12, observability: Prometheus metrics without personal data, /healthz and /readyz (the
// doctor's checks, by name), on the web process and on a standalone process's metrics.port.

describe('metrics and probes (real stack)', { timeout: 120_000 }, () => {
  let s: InboundStack;
  let app: FastifyInstance;
  beforeAll(async () => {
    s = await inboundStack('box24');
    app = await buildWeb(inboundDeps(s.ctx));
  });
  afterAll(async () => {
    await app?.close();
    await s?.stop();
  });

  it('/metrics: mails by rule/action/outcome, latency, queues, watcher, triage, process; no personal data', async () => {
    const raw = mail({
      from: 'metrics-person@example.jp',
      subject: '個人的な件名',
      text: '山田太郎です。相談したいことがあります。',
    });
    await appendRaw('box24', 'INBOX', raw);
    expect(await waitHandled('box24', idOf(raw))).toBe('Processed');
    // The move to Processed is the job's last step; the counters are kept when BullMQ reports the
    // job completed, a moment later (a loaded machine made this a race): scrape until they show it.
    const scrape = () => app.inject({ method: 'GET', url: '/metrics' }); // no sign-in: a scraper
    let res = await scrape();
    for (let i = 0; i < 100 && !/^madoguchi_mail_latency_seconds_count 1$/m.test(res.body); i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await scrape();
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const m = res.body;
    expect(m).toMatch(
      /^madoguchi_mails_total\{rule="triage",action="staff-triage",outcome="processed"\} 1$/m,
    );
    expect(m).toMatch(/^madoguchi_mail_latency_seconds_count 1$/m);
    expect(m).toMatch(/^madoguchi_parse_seconds_count [1-9]/m);
    expect(m).toMatch(/^madoguchi_queue_jobs\{queue="inbound",state="failed"\} 0$/m);
    expect(m).toMatch(/^madoguchi_watcher_up 1$/m);
    expect(m).toMatch(/^madoguchi_triage_open 1$/m);
    expect(m).toMatch(/^madoguchi_triage_oldest_open_age_seconds \d/m);
    expect(m).toMatch(/^madoguchi_quarantine_size 0$/m);
    expect(m).toMatch(/^madoguchi_process_cpu_seconds_total /m);
    expect(m).not.toMatch(/metrics-person|example\.jp|山田|個人的/);
  });

  it('/healthz is alive; /readyz names Redis, IMAP and SMTP, 200 when all answer', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    const r = JSON.parse(res.body);
    expect(r.ready).toBe(true);
    expect(r.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['redis', true],
      ['imap', true],
      ['smtp', true],
    ]);
  });

  it('a standalone process serves the probes on metrics.port; /readyz is 503 naming what is down', async () => {
    const port = await freePort();
    const env = withSettings(
      testEnv({ smtpUrl: `smtp://127.0.0.1:${await freePort()}`, imapUser: 'box24' }),
      { metrics: { host: '127.0.0.1', port } },
    );
    const ctx = createContext(testConfig(env));
    const probes = await startProbeServer(ctx);
    try {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
      expect(body.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['smtp']);
      expect(body.checks.find((c) => c.name === 'smtp')!.detail).toMatch(/refused/);
      expect((await readiness(ctx)).ready).toBe(false); // the same implementation as madoguchi doctor
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('madoguchi_mails_total');
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/elsewhere`)).status).toBe(404);
    } finally {
      await probes.close();
      await ctx.close();
    }
  });
});
