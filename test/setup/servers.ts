import 'vitest';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { PrivateDovecot } from '../../src/devstack/dovecot.js';
import { PrivateRedis } from '../../src/devstack/redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    dovecotPort: number;
    dovecotConf: string;
    tmpRoot: string;
  }
}

/**
 * Starts a private redis-server and Dovecot on free loopback ports under a temp dir, shared by all
 * test files, and removes everything afterwards. Nobody's own Redis or mailbox is touched.
 */
export default async function setup(project: TestProject) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'madoguchi-test-'));
  chmodSync(root, 0o755); // Dovecot's mail processes run as another user and must reach the maildirs
  const redis = new PrivateRedis(path.join(root, 'redis'));
  const dovecot = new PrivateDovecot(path.join(root, 'dovecot'), [
    'consult',
    'staff1',
    'staff2',
    'seeker1',
    'seeker2',
    'ops',
    ...Array.from({ length: 28 }, (_, i) => `box${i}`),
  ]);
  await Promise.all([redis.start(), dovecot.start()]);
  project.provide('redisUrl', redis.url);
  project.provide('dovecotPort', dovecot.port);
  project.provide('dovecotConf', dovecot.conf);
  project.provide('tmpRoot', root);
  return async () => {
    await Promise.all([redis.stop(), dovecot.stop()]);
    rmSync(root, { recursive: true, force: true });
  };
}
