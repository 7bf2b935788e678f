import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEV_PASSWORD } from '../../src/devstack/dovecot.js';
import { PrivateRedis } from '../../src/devstack/redis.js';
import { Mover } from '../../src/inbound/mover.js';
import { InboundStore } from '../../src/inbound/store.js';
import { createContext } from '../../src/runtime/context.js';
import { appendRaw, listMailbox } from '../helpers/imap.js';
import { INBOUND_SETTINGS } from '../helpers/inbound.js';
import { mail } from '../helpers/mail.js';
import { testConfig, testEnv, withSettings } from '../helpers/stack.js';

const USER = 'box14';

function imapClient(): ImapFlow {
  const c = new ImapFlow({
    host: '127.0.0.1',
    port: Number(new URL(testEnv({ smtpUrl: 'smtp://x' }).IMAP_URL!).port),
    secure: false,
    auth: { user: USER, pass: DEV_PASSWORD },
    logger: false,
  });
  c.on('error', () => undefined);
  return c;
}

async function imap<T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = imapClient();
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout();
  }
}

const inboxValidity = () =>
  imap(async (c) => {
    const st = await c.status('INBOX', { uidValidity: true });
    return st ? String(st.uidValidity) : '';
  });

describe('mover: one MOVE per UID, and nothing left claimed or unrecorded', () => {
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
    const validity = await inboxValidity();
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
    expect(await store.redis.exists(store.k('uids', 'mail-1'), store.k('moving', seen))).toBe(0);

    // Recorded again (a reconcile sweep that read the mailbox just before the MOVE): a no-op.
    await store.redis.sadd(store.k('uids', 'mail-1'), seen);
    await mover.move('mail-1', 'processed');
    expect(await listMailbox(USER, 'Done')).toHaveLength(1);
  });

  it("a claim left by a killed mover is taken over at once; a live mover's is not (MAIL_MOVE_BUSY)", async () => {
    const validity = await inboxValidity();
    const record = async (hash: string, owner: string) => {
      const seen = `${validity}:${await appendRaw(USER, 'INBOX', mail({ from: 'b@example.jp', subject: hash, text: 'y' }))}`;
      await store.redis.sadd(store.k('uids', hash), seen);
      // What a process killed between its claim and its MOVE leaves: the claim, the UID recorded.
      await store.redis.set(store.k('moving', seen), owner, 'EX', 300);
      return seen;
    };
    await record('mail-dead', 'killed-mover');
    await mover.move('mail-dead', 'processed');
    expect(await listMailbox(USER, 'INBOX')).toEqual([]);

    const seen = await record('mail-live', 'live-mover');
    await store.redis.set(store.k('mover', 'live-mover'), '1', 'PX', 60_000);
    await expect(mover.move('mail-live', 'processed')).rejects.toMatchObject({ code: 'MAIL_MOVE_BUSY' });
    expect(await listMailbox(USER, 'INBOX')).toHaveLength(1);
    expect(await store.redis.smembers(store.k('uids', 'mail-live'))).toEqual([seen]);
    await store.redis.del(store.k('mover', 'live-mover')); // it died: its liveness lapsed
    await mover.move('mail-live', 'processed');
    expect(await listMailbox(USER, 'INBOX')).toEqual([]);
    expect(await listMailbox(USER, 'Done')).toHaveLength(3);
  });

  it('a session that last looked before another MOVE does not copy the message again', async () => {
    // Its own Redis: CLIENT PAUSE holds the claim back while another session moves the message,
    // which a shared Redis would do to every other test too.
    const redis = new PrivateRedis(mkdtempSync(path.join(inject('tmpRoot'), 'mover-redis-')));
    await redis.start();
    const pctx = createContext(testConfig({ ...env, REDIS_URL: redis.url }));
    const pstore = new InboundStore(pctx.redis, pctx.config.connections.redisPrefix);
    const late = new Mover(pctx.config, pstore, pctx.log);
    const session = imapClient();
    try {
      const uid = await appendRaw(USER, 'INBOX', mail({ from: 'c@example.jp', subject: 'race', text: 'y' }));
      await session.connect();
      await session.mailboxOpen('INBOX'); // this session has seen the message
      await pstore.redis.sadd(pstore.k('uids', 'mail-race'), `${await inboxValidity()}:${uid}`);
      await pctx.redis.call('CLIENT', 'PAUSE', '3000', 'WRITE');
      const moving = late.moveOn(session, [{ hash: 'mail-race', outcome: 'processed' }]);
      await new Promise((r) => setTimeout(r, 300));
      await imap(async (c) => {
        await c.mailboxOpen('INBOX');
        await c.messageMove(String(uid), 'Done', { uid: true }); // the worker's move, finished
      });
      await moving;
      expect(await listMailbox(USER, 'Done')).toHaveLength(4);
    } finally {
      await session.logout().catch(() => undefined);
      await late.close();
      await pctx.close();
      await redis.stop();
    }
  });
});
