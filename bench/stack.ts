import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../src/config/load.js';
import { InboundStore } from '../src/inbound/store.js';
import { createContext } from '../src/runtime/context.js';
import { type Handle, PROCESSES } from '../src/runtime/processes.js';
import type { BenchEnv } from './registry.js';

/** The authserv-id the bench's "office MX" stamps and the bench config trusts. */
export const TRUSTED = 'mx.bench.example';

/**
 * Environment for one bench on the private servers: its own key prefix, data dir and throwaway
 * storage key, the bench MX trusted, mail for `user` of the bench Dovecot.
 */
export function benchVars(env: BenchEnv, user = 'bench-lat', settings: object = {}): Record<string, string> {
  const dataDir = `${env.tmp}/data-${user}-${Date.now()}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    `${dataDir}/office.json`,
    JSON.stringify({ inbound: { trustedAuthservId: TRUSTED }, ...settings }),
  );
  return {
    REDIS_URL: env.redisUrl,
    SMTP_URL: env.sink.url,
    IMAP_URL: env.dovecot.url(user),
    MADOGUCHI_REDIS_PREFIX: `bench${Date.now()}`,
    MADOGUCHI_DATA_DIR: dataDir,
    MADOGUCHI_CONFIG: `${dataDir}/office.json`,
    MADOGUCHI_LOG_LEVEL: 'error',
    MADOGUCHI_STORAGE_KEY: randomBytes(32).toString('base64'),
  };
}

/** A context over benchVars with `processes` started in this process. */
export async function startStack(
  env: BenchEnv,
  user: string,
  processes: string[] = [],
  settings: object = {},
) {
  const vars = benchVars(env, user, settings);
  const ctx = createContext(loadConfig({ env: vars }));
  const handles: Handle[] = [];
  for (const p of processes) handles.push(await PROCESSES[p]!(ctx));
  return {
    env: vars,
    ctx,
    store: new InboundStore(ctx.redis, ctx.config.connections.redisPrefix),
    handles,
    async stop() {
      for (const h of handles.reverse()) await h.close();
      await ctx.close();
    },
  };
}

export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Until every mail (by hash) has its decision carried out: one MGET per poll, whatever the count. */
export async function waitDone(store: InboundStore, hashes: string[], everyMs = 2): Promise<void> {
  let pending = hashes;
  while (pending.length) {
    const done = await store.redis.mget(pending.map((h) => store.k('done', h)));
    pending = pending.filter((_, i) => !done[i]);
    if (pending.length) await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/**
 * CPU time (user + system, all threads) a process has used so far, in ms, from Linux /proc
 * (CLK_TCK 100); with `children`, also that of its children that have exited (Dovecot forks a
 * process per IMAP session, which ends at logout).
 */
export function procCpuMs(pid: number, children = false): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return (f[11]! + f[12]! + (children ? f[13]! + f[14]! : 0)) * 10;
}
