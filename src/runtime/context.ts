import type { ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis } from '../adapters/redis.js';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../log.js';

/** What every process and command is built from: the validated config, a logger, Redis. */
export interface Context {
  config: Readonly<Config>;
  log: Logger;
  /** Shared connection for commands and producers. */
  redis: Redis;
  /** BullMQ options shared by every queue and worker. */
  bull: { prefix: string; connection: ConnectionOptions };
  close(): Promise<void>;
}

export function createContext(
  config: Readonly<Config>,
  opts: { mode?: 'worker' | 'command'; log?: Logger } = {},
): Context {
  const log = opts.log ?? createLogger(config.log.level, { svc: 'madoguchi' }, undefined, config.log.pretty);
  const redis = createRedis(config, opts.mode ?? 'worker');
  redis.on('error', (err) => log.warn('redis connection error', { err }));
  return {
    config,
    log,
    redis,
    bull: { prefix: `${config.connections.redisPrefix}:bull`, connection: redis },
    async close() {
      redis.disconnect();
    },
  };
}
