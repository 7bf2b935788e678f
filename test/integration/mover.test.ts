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
});
