import type { Redis } from 'ioredis';
import { describe, expect, inject, it, vi } from 'vitest';
import { createRedis, RECONNECT_AFTER_END_MS } from '../../src/adapters/redis.js';

const config = { connections: { redisUrl: inject('redisUrl'), redisPrefix: 'reconnect-test' } } as Parameters<
  typeof createRedis
>[0];

/**
 * Drop the connection from the server side, and make ioredis's next connect attempt fail as it
 * does when a Sentinel failover notice interrupts it (the connector's promise rejects): ioredis
 * then ends the client for good (src/adapters/redis.ts, keepConnected).
 */
async function failNextConnect(redis: Redis): Promise<void> {
  const connector = (redis as unknown as { connector: { connect: (...a: unknown[]) => Promise<unknown> } })
    .connector;
  const real = connector.connect.bind(connector);
  connector.connect = () => {
    connector.connect = real;
    return Promise.reject(new Error('Connection is closed.'));
  };
  const id = await redis.client('ID');
  const ended = new Promise((r) => redis.once('end', r)); // not events.once: the failed attempt also emits 'error'
  const admin = createRedis(config, 'command');
  await admin.client('KILL', 'ID', String(id));
  admin.disconnect();
  await ended;
}

describe('a worker process keeps its Redis connection', () => {
  it('a connection ioredis gave up on (a failed connect attempt) connects again; one we close stays closed', async () => {
    const redis = createRedis(config, 'worker');
    redis.on('error', () => undefined);
    expect(await redis.ping()).toBe('PONG');
    await failNextConnect(redis);
    await vi.waitFor(() => expect(redis.status).toBe('ready'), { timeout: 10_000, interval: 50 });
    expect(await redis.ping()).toBe('PONG');

    redis.disconnect();
    await new Promise((r) => setTimeout(r, RECONNECT_AFTER_END_MS * 4));
    expect(redis.status).toBe('end');
  });

  it('so does a duplicate of it (how BullMQ makes its blocking connections)', async () => {
    const redis = createRedis(config, 'worker');
    const copy = redis.duplicate();
    copy.on('error', () => undefined);
    expect(await copy.ping()).toBe('PONG');
    await failNextConnect(copy);
    await vi.waitFor(() => expect(copy.status).toBe('ready'), { timeout: 10_000, interval: 50 });
    copy.disconnect();
    redis.disconnect();
  });

  it('a CLI command does not: it fails fast instead', async () => {
    const redis = createRedis(config, 'command');
    redis.on('error', () => undefined);
    expect(await redis.ping()).toBe('PONG');
    await failNextConnect(redis);
    await new Promise((r) => setTimeout(r, RECONNECT_AFTER_END_MS * 4));
    expect(redis.status).toBe('end');
  });
});
