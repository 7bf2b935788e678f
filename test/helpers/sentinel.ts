import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitForPort } from '../../src/devstack/ports.js';
import { PrivateRedis } from '../../src/devstack/redis.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Redis high availability on loopback, as an office would run it on three machines: one primary,
 * one replica and three sentinels (Debian's redis-server; `--sentinel` is the same binary the
 * redis-sentinel package starts). Sentinels decide quickly here (down after 1 s).
 */
export class SentinelCluster {
  readonly name = 'mado';
  readonly nodes: PrivateRedis[] = [];
  private readonly sentinels: ChildProcess[] = [];
  readonly sentinelPorts: number[] = [];
  constructor(private readonly dir: string) {}

  async start(): Promise<void> {
    const primary = new PrivateRedis(path.join(this.dir, 'r0'));
    await primary.start();
    const replica = new PrivateRedis(path.join(this.dir, 'r1'), [
      '--replicaof',
      '127.0.0.1',
      String(primary.port),
    ]);
    await replica.start();
    this.nodes.push(primary, replica);
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const dir = path.join(this.dir, `s${i}`);
      mkdirSync(dir, { recursive: true });
      const conf = path.join(dir, 'sentinel.conf'); // sentinel rewrites its own config file
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `logfile ${path.join(dir, 'sentinel.log')}`,
          `sentinel monitor ${this.name} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${this.name} 1000`,
          `sentinel failover-timeout ${this.name} 4000`,
          `sentinel parallel-syncs ${this.name} 1`,
        ].join('\n'),
      );
      this.sentinels.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
      this.sentinelPorts.push(port);
      await waitForPort(port);
    }
    await this.settled();
  }

  /**
   * Until the replica is online at the primary and each sentinel knows it and the two other
   * sentinels (they say hello every 2 s).
   */
  async settled(timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    const primary = new Redis(this.nodes[0]!.port, '127.0.0.1');
    try {
      while (!/^slave0:.*state=online/m.test(await primary.info('replication'))) {
        if (Date.now() > end) throw new Error('the replica did not come online');
        await sleep(100);
      }
    } finally {
      primary.disconnect();
    }
    for (const port of this.sentinelPorts) {
      const s = new Redis(port, '127.0.0.1', { lazyConnect: true });
      try {
        for (;;) {
          const m = (await s.call('SENTINEL', 'MASTER', this.name)) as string[];
          const f = Object.fromEntries(m.flatMap((v, i) => (i % 2 ? [] : [[v, m[i + 1]]])));
          if (Number(f['num-slaves']) >= 1 && Number(f['num-other-sentinels']) >= 2 && f.flags === 'master')
            break;
          if (Date.now() > end) throw new Error(`sentinel ${port} not settled: ${JSON.stringify(f)}`);
          await sleep(200);
        }
      } finally {
        s.disconnect();
      }
    }
  }

  /** The port the sentinels name as primary now. */
  async primaryPort(): Promise<number> {
    const s = new Redis(this.sentinelPorts[0]!, '127.0.0.1');
    try {
      const [, port] = (await s.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name)) as string[];
      return Number(port);
    } finally {
      s.disconnect();
    }
  }

  get env(): Record<string, string> {
    return {
      REDIS_URL: 'redis://127.0.0.1/0', // with Sentinel only the password, database and TLS count
      REDIS_SENTINEL_NAME: this.name,
      REDIS_SENTINEL_NODES: this.sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
    };
  }

  async stop(): Promise<void> {
    for (const s of this.sentinels)
      if (s.exitCode === null && s.signalCode === null)
        await new Promise<void>((r) => {
          s.once('exit', () => r());
          s.kill('SIGKILL');
        });
    for (const n of this.nodes) await n.stop('SIGKILL');
  }
}
