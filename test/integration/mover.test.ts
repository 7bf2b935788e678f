import { ImapFlow } from 'imapflow';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_PASSWORD } from '../../src/devstack/dovecot.js';
import { Mover } from '../../src/inbound/mover.js';
import { InboundStore } from '../../src/inbound/store.js';
import { createContext } from '../../src/runtime/context.js';
import { appendRaw, listMailbox } from '../helpers/imap.js';
import { INBOUND_SETTINGS } from '../helpers/inbound.js';
import { mail } from '../helpers/mail.js';
import { testConfig, testEnv, withSettings } from '../helpers/stack.js';

const USER = 'box14';

async function imap<T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = new ImapFlow({
    host: '127.0.0.1',
    port: Number(new URL(testEnv({ smtpUrl: 'smtp://x' }).IMAP_URL!).port),
    secure: false,
    auth: { user: USER, pass: DEV_PASSWORD },
    logger: false,
  });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout();
  }
}

describe('mover: a MOVE the server refuses is an error, and leaves nothing claimed', () => {
  const env = withSettings(testEnv({ smtpUrl: 'smtp://127.0.0.1:1', imapUser: USER }), {
    inbound: { ...INBOUND_SETTINGS.inbound, processedMailbox: 'Done' },
  });
  const ctx = createContext(testConfig(env));
  const store = new InboundStore(ctx.redis, ctx.config.connections.redisPrefix);
  const mover = new Mover(ctx.config, store, ctx.log);
  afterAll(async () => {
    await mover.close();
    await ctx.close();
  });

  it('refused (no such mailbox): rejected, the UID recorded again, no claim held; then moved on retry', async () => {
    const uid = await appendRaw(USER, 'INBOX', mail({ from: 'a@example.jp', subject: 'x', text: 'y' }));
    const validity = await imap(async (c) => {
      const st = await c.status('INBOX', { uidValidity: true });
      return st ? String(st.uidValidity) : '';
    });
    const seen = `${validity}:${uid}`;
    await store.redis.sadd(store.k('uids', 'mail-1'), seen);

    // imapflow answers a refused MOVE with `false`, not an error; before, the claim was kept and
    // the mail sat in INBOX until it lapsed.
    await expect(mover.move('mail-1', 'processed')).rejects.toMatchObject({ code: 'IMAP_UNAVAILABLE' });
    expect(await store.redis.smembers(store.k('uids', 'mail-1'))).toEqual([seen]);
    expect(await store.redis.exists(store.k('moving', seen))).toBe(0);
    expect((await listMailbox(USER, 'INBOX')).map((m) => m.uid)).toEqual([uid]);

    await imap((c) => c.mailboxCreate('Done'));
    await mover.move('mail-1', 'processed');
    expect(await listMailbox(USER, 'INBOX')).toEqual([]);
    expect(await listMailbox(USER, 'Done')).toHaveLength(1);
  });
});
