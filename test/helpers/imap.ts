import { ImapFlow } from 'imapflow';
import { inject } from 'vitest';
import { DEV_PASSWORD } from '../../src/devstack/dovecot.js';

/** `user` of the shared test Dovecot, or `user@port` of a private one. */
function client(user: string): ImapFlow {
  const [name, port] = user.split('@');
  return new ImapFlow({
    host: '127.0.0.1',
    port: port ? Number(port) : inject('dovecotPort'),
    secure: false,
    auth: { user: name!, pass: DEV_PASSWORD },
    logger: false,
  });
}

async function withClient<T>(user: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = client(user);
  c.on('error', () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout().catch(() => c.close());
  }
}

/** APPENDs raw bytes to a mailbox, as a delivery would; returns the new UID. */
export function appendRaw(user: string, mailbox: string, raw: Buffer | string, date?: Date): Promise<number> {
  return withClient(user, async (c) => {
    const res = await c.append(mailbox, raw, [], date);
    const uid = res === false ? undefined : res.uid;
    if (!uid) throw new Error('APPEND returned no UID');
    return uid;
  });
}

export interface Listed {
  uid: number;
  subject: string | undefined;
  messageId: string | undefined;
  source: Buffer;
}

export function listMailbox(user: string, mailbox = 'INBOX'): Promise<Listed[]> {
  return withClient(user, async (c) => {
    const lock = await c.getMailboxLock(mailbox);
    try {
      const out: Listed[] = [];
      const mb = c.mailbox;
      if (mb && mb.exists === 0) return out;
      for await (const m of c.fetch('1:*', { uid: true, envelope: true, source: true })) {
        out.push({
          uid: m.uid,
          subject: m.envelope?.subject,
          messageId: m.envelope?.messageId,
          source: m.source ?? Buffer.alloc(0),
        });
      }
      return out;
    } finally {
      lock.release();
    }
  });
}

export function clearMailbox(user: string, mailbox = 'INBOX'): Promise<void> {
  return withClient(user, async (c) => {
    const lock = await c.getMailboxLock(mailbox);
    try {
      if (c.mailbox && c.mailbox.exists > 0) await c.messageDelete('1:*');
    } finally {
      lock.release();
    }
  });
}
