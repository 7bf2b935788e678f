import { createImapClient } from './adapters/imap.js';
import { createRedis } from './adapters/redis.js';
import { createSmtpTransport } from './adapters/smtp.js';
import { describeUrl, parseImapUrl } from './adapters/urls.js';
import type { Config } from './config/schema.js';

export interface Check {
  name: 'redis' | 'imap' | 'smtp';
  ok: boolean;
  target: string;
  detail: string;
}

function explain(err: unknown): string {
  const e = err as { code?: string; message?: string; authenticationFailed?: boolean; responseText?: string };
  if (e.authenticationFailed || e.code === 'EAUTH')
    return 'login refused: check the user and password in the URL';
  // nodemailer reports a refused connection as ESOCKET with the errno only in the text.
  const code = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.exec(e.message ?? '')?.[0] ?? e.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused: is the server running and listening on that port?';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name does not resolve';
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
    case 'ESOCKET':
      return `no answer in time (${e.code})`;
    default:
      return e.responseText ?? e.message ?? String(err);
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`${what}: no answer within ${ms} ms`), { code: 'ETIMEDOUT' })),
      ms,
    );
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

async function checkRedis(config: Config): Promise<Check> {
  const { sentinel } = config.connections;
  const target = sentinel
    ? `sentinel ${sentinel.name} via ${sentinel.nodes.join(',')}`
    : describeUrl(config.connections.redisUrl);
  const redis = createRedis(config, 'command');
  // ioredis reports "max retries reached" on the command; the cause is in the last 'error' event.
  let lastError: unknown;
  redis.on('error', (err) => {
    lastError = err;
  });
  try {
    await withTimeout(redis.ping(), 5000, 'PING');
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    // BullMQ loses jobs if Redis evicts keys under memory pressure.
    const policy = ((await redis.config('GET', 'maxmemory-policy')) as string[])[1];
    if (policy && policy !== 'noeviction') {
      return {
        name: 'redis',
        ok: false,
        target,
        detail: `maxmemory-policy is ${policy}; BullMQ needs noeviction`,
      };
    }
    // With waitReplicas, every acknowledged step waits for replicas: too few = mail stops moving.
    const replicas = Number(/connected_slaves:(\d+)/.exec(await redis.info('replication'))?.[1] ?? 0);
    if (sentinel && replicas < sentinel.waitReplicas)
      return {
        name: 'redis',
        ok: false,
        target,
        detail: `${replicas} replica(s) connected, connections.sentinel.waitReplicas needs ${sentinel.waitReplicas}: mail waits in the inbox`,
      };
    return {
      name: 'redis',
      ok: true,
      target,
      detail: `PING ok, Redis ${version}${sentinel ? `, ${replicas} replica(s)` : ''}`,
    };
  } catch (err) {
    return { name: 'redis', ok: false, target, detail: explain(lastError ?? err) };
  } finally {
    redis.disconnect();
  }
}

async function checkImap(config: Config): Promise<Check> {
  const url = parseImapUrl(config.connections.imapUrl);
  const target = `${describeUrl(config.connections.imapUrl)}/${url.mailbox} as ${url.user}`;
  const client = createImapClient(config);
  client.on('error', () => {});
  try {
    await withTimeout(client.connect(), 10_000, 'IMAP connect');
    const status = await client.status(url.mailbox, { messages: true, uidValidity: true });
    if (!status) return { name: 'imap', ok: false, target, detail: `mailbox ${url.mailbox} does not exist` };
    return {
      name: 'imap',
      ok: true,
      target,
      detail: `login ok, ${url.mailbox} holds ${status.messages ?? 0} message(s)`,
    };
  } catch (err) {
    const e = err as { serverResponseCode?: string };
    const detail =
      e.serverResponseCode === 'NONEXISTENT' ? `mailbox ${url.mailbox} does not exist` : explain(err);
    return { name: 'imap', ok: false, target, detail };
  } finally {
    client.close();
  }
}

async function checkSmtp(config: Config): Promise<Check> {
  const target = describeUrl(config.connections.smtpUrl);
  const transport = createSmtpTransport(config);
  try {
    await withTimeout(transport.verify(), 10_000, 'SMTP verify');
    return { name: 'smtp', ok: true, target, detail: 'greeting and EHLO ok' };
  } catch (err) {
    return { name: 'smtp', ok: false, target, detail: explain(err) };
  } finally {
    transport.close();
  }
}

/** Checks every connection the service needs, in parallel; never throws. */
export function runDoctor(config: Config): Promise<Check[]> {
  return Promise.all([checkRedis(config), checkImap(config), checkSmtp(config)]);
}
