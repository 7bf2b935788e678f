import { type ChainableCommander, Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config/schema.js';

/**
 * One ioredis connection. BullMQ workers need `maxRetriesPerRequest: null` (a blocking command must
 * wait through a Redis restart rather than fail); CLI commands want to fail fast instead.
 */
export function createRedis(
  config: Pick<Config, 'connections'>,
  mode: 'worker' | 'command' = 'worker',
): Redis {
  const opts: RedisOptions =
    mode === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: (n) => (n > 2 ? null : 200) };
  return new Redis(config.connections.redisUrl, { ...opts, lazyConnect: false });
}

/** Key under the configured prefix, e.g. key(cfg, 'booking', id) -> madoguchi:booking:<id>. */
export function redisKey(config: Pick<Config, 'connections'>, ...parts: string[]): string {
  return [config.connections.redisPrefix, ...parts].join(':');
}

/** A pipeline's or transaction's replies in order, or its first error (ioredis resolves with both). */
export async function exec(p: ChainableCommander): Promise<unknown[]> {
  const res = (await p.exec()) ?? [];
  const failed = res.find(([err]) => err);
  if (failed) throw failed[0];
  return res.map(([, v]) => v);
}
