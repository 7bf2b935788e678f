import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { DEV_PASSWORD } from '../../src/devstack/dovecot.js';
import { SmtpSink } from '../../src/devstack/smtp-sink.js';

/** IMAP URL of a user of the shared private Dovecot. */
export function imapUrl(user = 'consult', mailbox = 'INBOX'): string {
  return `imap://${user}:${DEV_PASSWORD}@127.0.0.1:${inject('dovecotPort')}/${mailbox}`;
}

/**
 * Environment for one test file: the private Redis under a prefix of its own, a Dovecot user,
 * an SMTP sink, a data dir. Returned as env vars so subprocesses get exactly the same.
 */
export function testEnv(opts: {
  smtpUrl: string;
  imapUser?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  const id = randomUUID().slice(0, 8);
  const dataDir = path.join(inject('tmpRoot'), 'data', id);
  mkdirSync(dataDir, { recursive: true });
  return {
    REDIS_URL: inject('redisUrl'),
    IMAP_URL: imapUrl(opts.imapUser ?? 'consult'),
    SMTP_URL: opts.smtpUrl,
    MADOGUCHI_REDIS_PREFIX: `t${id}`,
    MADOGUCHI_DATA_DIR: dataDir,
    MADOGUCHI_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', // TEST_LOG_LEVEL=debug to watch a test
    MADOGUCHI_STORAGE_KEY: randomBytes(32).toString('base64'),
    MADOGUCHI_WEB_PORT: '0', // the console, where a test starts it, on a free port
    ...opts.extra,
  };
}

/** Env that layers `settings` over the defaults through a MADOGUCHI_CONFIG file (like an office file). */
export function withSettings(env: Record<string, string>, settings: object): Record<string, string> {
  const file = path.join(env.MADOGUCHI_DATA_DIR!, 'office.json');
  writeFileSync(file, JSON.stringify(settings));
  return { ...env, MADOGUCHI_CONFIG: file };
}

/** Fast stalled-job takeover, so a test sees a killed worker's job resumed within seconds. */
export const FAST_TAKEOVER = { queues: { lockDurationMs: 1500, stalledIntervalMs: 1000 } };

export function testConfig(env: Record<string, string>): Readonly<Config> {
  return loadConfig({ env });
}

export async function startSink(): Promise<SmtpSink> {
  const sink = new SmtpSink();
  await sink.start();
  return sink;
}
