import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PrivateRedis } from '../../src/devstack/redis.js';
import type { SmtpSink } from '../../src/devstack/smtp-sink.js';
import { collect, spawnCli, spawnService } from '../helpers/processes.js';
import { startSink, testEnv, withSettings } from '../helpers/stack.js';

describe('madoguchi command', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(() => sink.stop());

  it('doctor exits 0 and says ok for each server', async () => {
    const res = await collect(spawnCli(['doctor', '--json'], testEnv({ smtpUrl: sink.url })));
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out).checks.map((c: { ok: boolean }) => c.ok)).toEqual([true, true, true]);
  });

  it('a bad config stops the command with every problem named and exit code 78', async () => {
    const env = testEnv({ smtpUrl: 'smtp:nope' });
    env.REDIS_URL = 'http://x';
    env.MADOGUCHI_LOG_LEVEL = 'chatty';
    const res = await collect(spawnCli(['run'], env));
    expect(res.code).toBe(78);
    expect(res.err).toMatch(/3 problems/);
    for (const key of ['connections.redisUrl', 'connections.smtpUrl', 'log.level'])
      expect(res.err).toContain(key);
  });

  it('run starts every process and stops cleanly on SIGTERM', async () => {
    const child = spawnCli(['run'], testEnv({ smtpUrl: sink.url, extra: { MADOGUCHI_LOG_LEVEL: 'info' } }));
    const done = collect(child);
    await new Promise<void>((resolve) => {
      child.stderr?.on('data', (d: Buffer) => {
        if (d.toString().includes('process started')) resolve();
      });
    });
    child.kill('SIGTERM');
    const res = await done;
    expect(res.code).toBe(0);
    expect(res.err).toMatch(/"msg":"stopped"/);
  });

  it('a shutdown that cannot finish (Redis gone) ends at queues.shutdownTimeoutMs with exit code 1', {
    timeout: 60_000,
  }, async () => {
    const redis = new PrivateRedis(path.join(inject('tmpRoot'), `redis-shutdown-${Date.now()}`));
    await redis.start();
    const env = testEnv({ smtpUrl: sink.url, extra: { REDIS_URL: redis.url } });
    const child = await spawnService(
      ['outbox', 'inbound'],
      withSettings(env, { queues: { shutdownTimeoutMs: 1000 } }),
    );
    const done = collect(child);
    await redis.stop(); // as a terminal's Ctrl-C stops a Redis started in the same process group
    child.kill('SIGTERM');
    const res = await done;
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/shutdown timed out/);
  });

  it('unknown commands and options give usage errors', async () => {
    const res = await collect(spawnCli(['frobnicate'], {}));
    expect(res.code).toBe(2);
    const bad = await collect(spawnCli(['doctor', '--frob'], {}));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/USAGE/);
  });
});
