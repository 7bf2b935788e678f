import { randomUUID } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import { createImapClient, moveUids } from '../adapters/imap.js';
import { exec } from '../adapters/redis.js';
import type { Config } from '../config/schema.js';
import { MadoguchiError } from '../errors.js';
import type { Logger } from '../log.js';
import type { InboundStore, Outcome } from './store.js';

/** A claim's ceiling; a claim is released when its MOVE is done, or taken over from a dead owner. */
const CLAIM_S = 300;

/**
 * A mover is live while it renews `mover:<id>`; one silent for ALIVE_MS is taken as dead. Not
 * queues.lockDurationMs: a live mover taken for dead may MOVE a UID at the same time as its
 * owner and leave two copies, so this is ten times any MOVE we have seen and long beyond a GC
 * pause, and short enough that a killed worker's job is retried within seconds.
 */
const ALIVE_MS = 10_000;

/**
 * Claim each UID for this mover unless a live mover holds it, and mark this mover live. A claim
 * names its owner: one left by a killed process is taken over once the owner's liveness lapses,
 * not after CLAIM_S. Returns 1 (claimed) or 0 (busy) per key.
 */
const CLAIM = `local out = {}
for i, key in ipairs(KEYS) do
  local owner = redis.call('GET', key)
  if not owner or owner == ARGV[1] or redis.call('EXISTS', ARGV[3] .. owner) == 0 then
    redis.call('SET', key, ARGV[1], 'EX', ARGV[2])
    out[i] = 1
  else
    out[i] = 0
  end
end
redis.call('SET', ARGV[3] .. ARGV[1], '1', 'PX', ARGV[4])
return out`;

/**
 * Moves handled mail out of the watched mailbox to Processed or Quarantine, so the mailbox itself
 * shows what is finished. Every UID a mail was seen under is recorded by the watcher before it
 * checks for a done marker, and the worker records done before it reads the UIDs: whichever of
 * the two comes second moves a late duplicate copy.
 */
export class Mover {
  private client: ImapFlow | undefined;
  private connecting: Promise<ImapFlow> | undefined;
  private readonly id = randomUUID();
  private alive: NodeJS.Timeout | undefined;
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
   * connection was the slowest step of the pipeline. Rejects with MAIL_MOVE_BUSY while another
   * live mover holds one of its UIDs: the job is retried, and by then that mover is done or dead.
   */
  move(hash: string, outcome: Outcome): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ hash, outcome, done: (err) => (err ? reject(err) : resolve()) });
      void this.flush();
    });
  }

  /**
   * All of `items` now, on the caller's session (the watcher's, between its FETCHes), in one batch.
   * A UID another live mover holds is left to it: that mover's job moves it, or is retried.
   */
  async moveOn(c: ImapFlow, items: Array<{ hash: string; outcome: Outcome }>): Promise<void> {
    if (items.length) await this.moveNow(items, c);
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0);
        try {
          const busy = await this.moveNow(batch, await this.connection());
          for (const b of batch)
            b.done(
              busy.has(b.hash)
                ? new MadoguchiError('MAIL_MOVE_BUSY', 'another process is moving this mail')
                : undefined,
            );
        } catch (err) {
          for (const b of batch) b.done(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Each UID is claimed (CLAIM) before it is moved: two sessions moving one UID at once would
   * both COPY it before either EXPUNGEs, leaving two copies. A UID is forgotten only once its MOVE
   * is done, so a process killed in between leaves it recorded, and the retry of its job moves it
   * as soon as the claim's owner is seen dead. A claim is released right after its MOVE: a MOVE
   * of a UID already moved is a no-op, even from a session that last looked before it (Dovecot;
   * pinned in test/integration/mover.test.ts). Returns the hashes with a UID another live mover holds.
   */
  private async moveNow(items: Array<{ hash: string; outcome: Outcome }>, c: ImapFlow): Promise<Set<string>> {
    const { redis } = this.store;
    const uidsKey = (hash: string) => this.store.k('uids', hash);
    const busy = new Set<string>();
    // One pipeline per step, not a round trip per mail and UID: this runs for every mail.
    const members = await exec(redis.pipeline(items.map(({ hash }) => ['smembers', uidsKey(hash)])));
    const seen = items.map((item, i) => ({ ...item, uids: members[i] as string[] }));
    if (!seen.some((s) => s.uids.length)) return busy;
    this.keepAlive();
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
      // UIDs of an older UIDVALIDITY are gone; the watcher re-finds such mail by its hash.
      const all = seen.flatMap(({ hash, outcome, uids }) => uids.map((uid) => ({ hash, outcome, uid })));
      const current = all.filter((u) => u.uid.startsWith(`${validity}:`));
      const stale = all.filter((u) => !u.uid.startsWith(`${validity}:`));
      const got = current.length
        ? ((await redis.eval(
            CLAIM,
            current.length,
            ...current.map(({ uid }) => this.store.k('moving', uid)),
            this.id,
            String(CLAIM_S),
            this.store.k('mover', ''),
            String(ALIVE_MS),
          )) as number[])
        : [];
      claimed = current.filter((_, i) => got[i] === 1);
      for (const [i, u] of current.entries()) if (got[i] !== 1) busy.add(u.hash);
      const byTarget = new Map<string, string[]>();
      for (const { outcome, uid } of claimed) {
        const t = this.target(outcome);
        byTarget.set(t, [...(byTarget.get(t) ?? []), uid.slice(validity.length + 1)]);
      }
      // A refused MOVE throws: the claims are released below, the UIDs stay recorded, the job is retried.
      for (const [target, uids] of byTarget) await moveUids(c, uids.join(','), target);
      await exec(
        redis.pipeline([
          ...[...claimed, ...stale].map(({ hash, uid }) => ['srem', uidsKey(hash), uid]),
          ...claimed.map(({ uid }) => ['del', this.store.k('moving', uid)]),
        ]),
      );
    } catch (err) {
      // Our own claims are ours to re-take on a retry here, and lapse with us if we die.
      await exec(redis.pipeline(claimed.map(({ uid }) => ['del', this.store.k('moving', uid)]))).catch(
        () => undefined,
      );
      throw err;
    } finally {
      lock.release();
    }
    return busy;
  }

  /** This mover is live while `mover:<id>` exists: CLAIM sets it, this renews it until close(). */
  private keepAlive(): void {
    if (this.alive) return;
    const key = this.store.k('mover', this.id);
    this.alive = setInterval(() => {
      this.store.redis.set(key, '1', 'PX', ALIVE_MS).catch(() => undefined);
    }, ALIVE_MS / 4);
    this.alive.unref();
  }

  async close(): Promise<void> {
    if (this.alive) {
      clearInterval(this.alive);
      this.alive = undefined;
      await this.store.redis.del(this.store.k('mover', this.id)).catch(() => undefined);
    }
    const c = this.client;
    this.client = undefined;
    if (c) await c.logout().catch(() => c.close());
  }
}
