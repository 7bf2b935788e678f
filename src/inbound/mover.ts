import type { ImapFlow } from 'imapflow';
import { createImapClient } from '../adapters/imap.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { InboundStore, Outcome } from './store.js';

/**
 * Moves handled mail out of the watched mailbox to Processed or Quarantine, so the mailbox itself
 * shows what is finished. Every UID a mail was seen under is recorded by the watcher before it
 * checks for a done marker, and the worker records done before it reads the UIDs: whichever of
 * the two comes second moves a late duplicate copy.
 */
export class Mover {
  private client: ImapFlow | undefined;
  private connecting: Promise<ImapFlow> | undefined;
  constructor(
    private readonly config: Readonly<Config>,
    private readonly store: InboundStore,
    private readonly log: Logger,
  ) {}

  private async connection(): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    this.connecting ??= (async () => {
      const c = createImapClient(this.config);
      c.on('error', (err) => this.log.warn('mover imap error', { err }));
      c.on('close', () => {
        if (this.client === c) this.client = undefined;
      });
      await c.connect();
      this.client = c;
      return c;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  target(outcome: Outcome): string {
    return outcome === 'quarantine'
      ? this.config.inbound.quarantineMailbox
      : this.config.inbound.processedMailbox;
  }

  /**
   * Move every recorded copy of mail `hash` to the mailbox for `outcome`. Each UID is claimed
   * (SREM) before it is moved: two sessions moving one UID at once would both COPY it before
   * either EXPUNGEs, leaving two copies. A claim lost to a crash is found by the watcher's
   * reconcile sweep (it re-reads the whole mailbox at every session start).
   */
  async move(hash: string, outcome: Outcome, client?: ImapFlow): Promise<void> {
    const c = client ?? (await this.connection());
    const uidsKey = this.store.k('uids', hash);
    const seen = await this.store.redis.smembers(uidsKey);
    if (!seen.length) return;
    const lock = await c.getMailboxLock(this.config.inbound.mailbox);
    const claimed: string[] = [];
    try {
      // Dovecot acts only on messages this session has been told about: a UID that arrived after
      // our last command is silently skipped by UID MOVE. A fresh SELECT brings the view (and a
      // changed UIDVALIDITY, which no NOOP reports) up to date.
      if (!client) await c.mailboxOpen(this.config.inbound.mailbox);
      const validity = String(c.mailbox && c.mailbox.uidValidity);
      for (const s of seen) {
        const won = (await this.store.redis.srem(uidsKey, s)) === 1;
        // UIDs of an older UIDVALIDITY are gone; the watcher re-finds such mail by its hash.
        if (won && s.startsWith(`${validity}:`)) claimed.push(s);
      }
      const uids = claimed.map((s) => s.slice(validity.length + 1));
      // A UID already moved (a retry) is simply not found: MOVE of a missing UID is a no-op.
      if (uids.length) await c.messageMove(uids.join(','), this.target(outcome), { uid: true });
    } catch (err) {
      if (claimed.length) await this.store.redis.sadd(uidsKey, ...claimed);
      throw err;
    } finally {
      lock.release();
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.logout().catch(() => c.close());
  }
}
