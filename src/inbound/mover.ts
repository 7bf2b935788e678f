import type { ImapFlow } from 'imapflow';
import { createImapClient, moveUids } from '../adapters/imap.js';
import { exec } from '../adapters/redis.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { InboundStore, Outcome } from './store.js';

/**
 * Moves handled mail out of the watched mailbox to Processed or Quarantine, so the mailbox itself
 * shows what is finished. Every UID a mail was seen under is recorded by the watcher before it
 * checks for a done marker, and the worker records done before it reads the UIDs: whichever of
 * the two comes second moves a late duplicate copy.
 */
const CLAIM_S = 300;

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

  /** Log in ahead of the first move. */
  async connect(): Promise<void> {
    await this.connection();
  }

  target(outcome: Outcome): string {
    return outcome === 'quarantine'
      ? this.config.inbound.quarantineMailbox
      : this.config.inbound.processedMailbox;
  }

  private pending: Array<{ hash: string; outcome: Outcome; done: (err?: unknown) => void }> = [];
  private flushing = false;

  /**
   * Move every recorded copy of mail `hash` to the mailbox for `outcome`. Concurrent calls are
   * coalesced into one NOOP and one UID MOVE per target: a round trip per mail on the one IMAP
   * connection was the slowest step of the pipeline.
   */
  move(hash: string, outcome: Outcome): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ hash, outcome, done: (err) => (err ? reject(err) : resolve()) });
      void this.flush();
    });
  }

  /** All of `items` now, on the caller's session (the watcher's, between its FETCHes), in one batch. */
  moveOn(c: ImapFlow, items: Array<{ hash: string; outcome: Outcome }>): Promise<void> {
    return items.length ? this.moveNow(items, c) : Promise.resolve();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0);
        try {
          await this.moveNow(batch, await this.connection());
          for (const b of batch) b.done();
        } catch (err) {
          for (const b of batch) b.done(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Each UID is claimed (SET NX, for CLAIM_S) before it is moved: two sessions moving one UID at
   * once would both COPY it before either EXPUNGEs, leaving two copies. A claim lost to a crash
   * lapses, and the watcher's reconcile sweep (the whole mailbox, at every session start and every
   * RECONCILE_EVERY sweeps) finds the mail again.
   */
  private async moveNow(items: Array<{ hash: string; outcome: Outcome }>, c: ImapFlow): Promise<void> {
    const { redis } = this.store;
    const uidsKey = (hash: string) => this.store.k('uids', hash);
    // One pipeline per step, not a round trip per mail and UID: this runs for every mail.
    const members = await exec(redis.pipeline(items.map(({ hash }) => ['smembers', uidsKey(hash)])));
    const seen = items.map((item, i) => ({ ...item, uids: members[i] as string[] }));
    if (!seen.some((s) => s.uids.length)) return;
    const lock = await c.getMailboxLock(this.config.inbound.mailbox);
    let claimed: Array<{ hash: string; outcome: Outcome; uid: string }> = [];
    try {
      // Dovecot acts only on messages this session has been told about: a UID that arrived after
      // our last command is silently skipped by UID MOVE, so NOOP first. A changed UIDVALIDITY is
      // never reported to an open session: a UID recorded under another one means re-SELECT.
      await c.noop();
      let validity = String(c.mailbox && c.mailbox.uidValidity);
      if (seen.some((s) => s.uids.some((u) => !u.startsWith(`${validity}:`)))) {
        await c.mailboxOpen(this.config.inbound.mailbox);
        validity = String(c.mailbox && c.mailbox.uidValidity);
      }
      // The claim outlives the set entry: a reconcile sweep may record this UID again while we
      // move it, and must not move it a second time. UIDs of an older UIDVALIDITY are gone; the
      // watcher re-finds such mail by its hash.
      const all = seen.flatMap(({ hash, outcome, uids }) => uids.map((uid) => ({ hash, outcome, uid })));
      const current = all.filter((u) => u.uid.startsWith(`${validity}:`));
      const results = await exec(
        redis.pipeline([
          ...all.map(({ hash, uid }) => ['srem', uidsKey(hash), uid]),
          ...current.map(({ uid }) => ['set', this.store.k('moving', uid), '1', 'EX', String(CLAIM_S), 'NX']),
        ]),
      );
      claimed = current.filter((_, i) => results[all.length + i] === 'OK');
      const byTarget = new Map<string, string[]>();
      for (const { outcome, uid } of claimed) {
        const t = this.target(outcome);
        byTarget.set(t, [...(byTarget.get(t) ?? []), uid.slice(validity.length + 1)]);
      }
      // A UID already moved (a retry) is simply not found: MOVE of a missing UID is a no-op.
      // A refused MOVE throws: the claims are undone below and the job is retried.
      for (const [target, uids] of byTarget) await moveUids(c, uids.join(','), target);
    } catch (err) {
      await exec(
        redis.pipeline(
          claimed.flatMap(({ hash, uid }) => [
            ['del', this.store.k('moving', uid)],
            ['sadd', uidsKey(hash), uid],
          ]),
        ),
      );
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
