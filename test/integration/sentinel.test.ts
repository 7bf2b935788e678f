import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { replicated } from '../../src/adapters/redis.js';
import { runDoctor } from '../../src/doctor.js';
import { appendAll, auditCount, batch, expectExactlyOnce } from '../helpers/burst.js';
import { type InboundStack, inboundStack } from '../helpers/inbound.js';
import { kill9, spawnService } from '../helpers/processes.js';
import { SentinelCluster } from '../helpers/sentinel.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let cluster: SentinelCluster | undefined;
let stack: InboundStack | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await kill9(c);
  await stack?.stop();
  await cluster?.stop();
  stack = undefined;
  cluster = undefined;
});

describe('Redis Sentinel: failover under load', () => {
  it('primary killed mid-burst: the replica is promoted, the processes carry on without a restart, every mail once', {
    timeout: 150_000,
  }, async () => {
    cluster = new SentinelCluster(mkdtempSync(path.join(inject('tmpRoot'), 'sentinel-')));
    await cluster.start();
    const s = await inboundStack('box26', [], { extra: cluster.env });
    stack = s;
    const service = await spawnService(['watcher', 'inbound', 'outbox'], s.env);
    children.push(service);

    const mails = batch('failover', 60);
    const appending = appendAll('box26', mails, 3);
    await auditCount(s, 15, 60_000);
    const [primary] = cluster.nodes;
    const before = primary!.port;
    await primary!.stop('SIGKILL');
    const end = Date.now() + 30_000;
    while ((await cluster.primaryPort()) === before) {
      if (Date.now() > end) throw new Error('no failover within 30 s');
      await sleep(200);
    }
    // With waitReplicas 1 and no replica left, acknowledged steps wait (mail stays in the inbox).
    // The machine comes back: Sentinel turns the old primary into a replica of the new one.
    await primary!.start();
    await appending;
    const { twice } = await expectExactlyOnce(s, 'box26', mails, { timeoutMs: 100_000, resent: 4 });
    expect(service.exitCode, 'the service process never exited').toBeNull();
    expect(await cluster.primaryPort()).not.toBe(before);
    expect(await s.ctx.redis.call('ROLE').then((r) => (r as string[])[0])).toBe('master');
    console.info(`sentinel failover: ${mails.length} mails, replies sent twice (SMTP window): ${twice}`);
  });

  it('WAIT short of replicas: REDIS_NOT_REPLICATED (retried), and doctor and /readyz say so', {
    timeout: 60_000,
  }, async () => {
    cluster = new SentinelCluster(mkdtempSync(path.join(inject('tmpRoot'), 'sentinel-')));
    await cluster.start();
    const s = await inboundStack('box26', [], {
      extra: cluster.env,
      settings: { connections: { sentinel: { waitReplicas: 1, waitTimeoutMs: 100 } } },
    });
    stack = s;
    await s.ctx.redis.set(`${s.ctx.config.connections.redisPrefix}:probe`, '1');
    await expect(replicated(s.ctx.redis, s.ctx.config)).resolves.toBeUndefined();
    const redisCheck = async () => (await runDoctor(s.ctx.config)).find((c) => c.name === 'redis')!;
    expect(await redisCheck()).toMatchObject({
      ok: true,
      target: expect.stringMatching(/^sentinel mado via /),
    });
    await cluster.nodes[1]!.stop('SIGKILL'); // the replica
    await s.ctx.redis.set(`${s.ctx.config.connections.redisPrefix}:probe`, '2');
    await expect(replicated(s.ctx.redis, s.ctx.config)).rejects.toMatchObject({
      code: 'REDIS_NOT_REPLICATED',
      permanent: false,
    });
    expect(await redisCheck()).toMatchObject({ ok: false, detail: expect.stringMatching(/0 replica/) });
  });
});
