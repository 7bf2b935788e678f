import { type ChainableCommander, Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config/schema.js';
import { MadoguchiError } from '../errors.js';

type Connections = Pick<Config, 'connections'>;

/**
 * Where to connect: the URL, or with `connections.sentinel` the primary that the sentinels name
 * (the URL then gives only user, password, database and TLS). After a failover ioredis asks the
 * sentinels again (`failoverDetector` hears +switch-master at once); a command that reached the
 * demoted primary gets READONLY, and `reconnectOnError` reconnects and resends it (2) instead of
 * failing the job.
 */
function target(config: Connections): [string] | [RedisOptions] {
  const { redisUrl, sentinel } = config.connections;
  if (!sentinel) return [redisUrl];
  const u = new URL(redisUrl);
  return [
    {
      name: sentinel.name,
      sentinels: sentinel.nodes.map((n) => {
        const i = n.lastIndexOf(':');
        return { host: n.slice(0, i), port: Number(n.slice(i + 1)) };
      }),
      ...(sentinel.password ? { sentinelPassword: sentinel.password } : {}),
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
      db: Number(u.pathname.slice(1) || 0),
      ...(u.protocol === 'rediss:' ? { tls: {}, enableTLSForSentinelMode: true } : {}),
      failoverDetector: true,
      reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    },
  ];
}

/**
 * One ioredis connection. BullMQ workers need `maxRetriesPerRequest: null` (a blocking command must
 * wait through a Redis restart rather than fail); CLI commands want to fail fast instead.
 */
export function createRedis(config: Connections, mode: 'worker' | 'command' = 'worker'): Redis {
  const opts: RedisOptions =
    mode === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: (n) => (n > 2 ? null : 200) };
  const [where] = target(config);
  const redis =
    typeof where === 'string'
      ? new Redis(where, { ...opts, lazyConnect: false })
      : new Redis({ ...where, ...opts, lazyConnect: false });
  if (mode === 'worker') keepConnected(redis);
  return redis;
}

/** How long a connection that ended on its own waits before connecting again. */
export const RECONNECT_AFTER_END_MS = 250;

/**
 * The trap: ioredis gives up on a connection for good (status "end", every command then fails
 * with "Connection is closed.") when a connect attempt itself fails, whatever `retryStrategy`
 * says. With Sentinel that happens in a failover: a +switch-master notice that disconnects the
 * connector while it is still asking the sentinels makes that attempt fail (found by the failover
 * test under load; ioredis issue #1683 reports the same on EKS). A worker process must not be left
 * with a dead connection, so one that ends without our disconnect() or quit() connects again; so
 * do its duplicates (BullMQ's blocking connections are duplicates of ours).
 */
function keepConnected(redis: Redis): void {
  let ours = false;
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = (override) => {
    const copy = duplicate(override);
    keepConnected(copy);
    return copy;
  };
  const disconnect = redis.disconnect.bind(redis);
  const quit = redis.quit.bind(redis);
  redis.disconnect = (reconnect = false) => {
    if (!reconnect) ours = true;
    disconnect(reconnect);
  };
  redis.quit = ((...args: Parameters<Redis['quit']>) => {
    ours = true;
    return quit(...args);
  }) as Redis['quit'];
  redis.on('end', () => {
    if (ours) return;
    setTimeout(() => {
      if (!ours && redis.status === 'end') redis.connect().catch(() => undefined); // a failure ends it again: retried
    }, RECONNECT_AFTER_END_MS).unref();
  });
}

/**
 * Before a step the outside world sees (a mail moved out of the inbox, an SMTP 250, a sent
 * marker), wait until `sentinel.waitReplicas` replicas hold this connection's writes (Redis WAIT).
 * Replication is asynchronous: without this, a primary that dies right after the step takes the
 * writes with it and the promoted replica would do the step again or forget it. Short of the
 * count in time, REDIS_NOT_REPLICATED (transient): the step is retried, nothing is acknowledged.
 * Without Sentinel there is no replica to wait for; AOF `appendfsync` is the durability then.
 */
export async function replicated(redis: Redis, config: Connections): Promise<void> {
  const s = config.connections.sentinel;
  if (!s || s.waitReplicas === 0) return;
  const got = Number(await redis.call('WAIT', s.waitReplicas, s.waitTimeoutMs));
  if (got < s.waitReplicas)
    throw new MadoguchiError(
      'REDIS_NOT_REPLICATED',
      `${got} of ${s.waitReplicas} Redis replicas confirmed within ${s.waitTimeoutMs} ms`,
    );
}

/** Key under the configured prefix, e.g. key(cfg, 'booking', id) -> madoguchi:booking:<id>. */
export function redisKey(config: Connections, ...parts: string[]): string {
  return [config.connections.redisPrefix, ...parts].join(':');
}

/** A pipeline's or transaction's replies in order, or its first error (ioredis resolves with both). */
export async function exec(p: ChainableCommander): Promise<unknown[]> {
  const res = (await p.exec()) ?? [];
  const failed = res.find(([err]) => err);
  if (failed) throw failed[0];
  return res.map(([, v]) => v);
}
