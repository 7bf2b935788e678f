import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FetchMessageObject, ImapFlow } from 'imapflow';
import { createImapClient, moveUids } from '../adapters/imap.js';
import { exec } from '../adapters/redis.js';
import { MadoguchiError } from '../errors.js';
import type { Context } from '../runtime/context.js';
import type { Handle } from '../runtime/processes.js';
import { inboundStores } from './deps.js';
import { Mover } from './mover.js';
import { createInboundQueue, inboundJobId } from './queue.js';
import type { MailRef, Outcome } from './store.js';

const RECONCILE_EVERY = 20;
const SMALL_MAIL = 8 * 1024 * 1024; // larger mail streams to the spool, never whole in memory
const RUN_BYTES = 2 * 1024 * 1024; // small runs: jobs reach the workers early
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The IMAP watcher: one per mailbox across all processes (a Redis lease; another takes over when
 * it lapses). Each new message is spooled (encrypted, by hash), then queued as one job whose id is
 * its hash, and only then does the watermark move. Traps it handles (imapflow 2):
 * - imapflow never reconnects: a new client per session, `error` attached before connect();
 * - its auto-IDLE starts 15 s after the last command: off; we call idle() ourselves;
 * - EXISTS counts lie across expunges: we fetch `UID last+1:*` and keep only UIDs above last;
 * - `N:*` with N above the highest UID still returns the highest message (RFC 3501 §6.4.8);
 * - \Seen is never state: people read this mailbox;
 * - a UIDVALIDITY change starts a new watermark; mail already handled was moved out, and anything
 *   still here is deduplicated by its hash, so nothing is replayed.
 */
export async function startWatcher(ctx: Context): Promise<Handle> {
  const cfg = ctx.config.inbound;
  const deps = inboundStores(ctx);
  const { store, spool } = deps;
  const queue = createInboundQueue(ctx);
  const log = ctx.log.child({ proc: 'watcher' });
  const mover = new Mover(ctx.config, store, log);
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseMs = cfg.leaseSeconds * 1000;
  let stopping = false;
  let client: ImapFlow | undefined;
  let holding = false;
  let dirty = true;
  let lastProgress = Date.now();

  const kick = () => {
    dirty = true;
    // Any command ends IDLE (imapflow sends DONE first); the session loop then sweeps.
    client?.noop().catch(() => undefined);
  };

  // Reconcile: at every session start (and every RECONCILE_EVERY sweeps) read the whole mailbox
  // rather than UID last+1:*. In steady state it holds only unfinished mail, so this is cheap, and
  // it catches a move lost to a crash and anything a flushed Redis forgot.
  let reconcile = true;
  let sweeps = 0;
  const sweep = async (c: ImapFlow) => {
    dirty = false;
    if (++sweeps % RECONCILE_EVERY === 0) reconcile = true;
    const mb = c.mailbox;
    if (!mb) throw new MadoguchiError('IMAP_UNAVAILABLE', 'mailbox not selected');
    const validity = String(mb.uidValidity);
    let wm = await store.watermark(cfg.mailbox);
    if (!wm || wm.uidValidity !== validity) {
      if (wm)
        log.warn('UIDVALIDITY changed: new watermark, mail deduplicated by hash', {
          from: wm.uidValidity,
          to: validity,
        });
      await store.setWatermark(cfg.mailbox, validity, 0);
      wm = { uidValidity: validity, lastUid: 0 };
    }
    const from = reconcile ? 0 : wm.lastUid;
    reconcile = false;
    const fresh: FetchMessageObject[] = [];
    if (mb.exists > 0) {
      for await (const m of c.fetch(
        `${from + 1}:*`,
        { uid: true, size: true, internalDate: true },
        { uid: true },
      ))
        if (m.uid > from) fresh.push(m);
    }
    fresh.sort((a, b) => a.uid - b.uid);
    const advance = async (uid: number) => {
      // Only after the job is in Redis; never backwards (a reconcile re-reads older UIDs).
      if (uid > wm.lastUid) {
        await store.setWatermark(cfg.mailbox, validity, uid);
        wm.lastUid = uid;
      }
    };
    // The spool write (encrypt, fsync) of one run overlaps the FETCH of the next; registering and
    // the watermark still go strictly in UID order. Moves of already-finished copies wait for the
    // end of the sweep: no other IMAP command may run inside a FETCH.
    let previous: Promise<void> = Promise.resolve();
    const moves: Array<{ hash: string; outcome: Outcome }> = [];
    for (let i = 0; i < fresh.length; ) {
      if (stopping) break;
      // Runs of small mails come in one FETCH (a round trip per mail made intake the bottleneck);
      // larger ones stream straight to the spool.
      const run: FetchMessageObject[] = [];
      let bytes = 0;
      while (
        i < fresh.length &&
        (fresh[i]!.size ?? 0) <= SMALL_MAIL &&
        (run.length === 0 || bytes + (fresh[i]!.size ?? 0) <= RUN_BYTES)
      ) {
        bytes += fresh[i]!.size ?? 0;
        run.push(fresh[i++]!);
      }
      if (run.length) {
        const sources = new Map<number, Buffer>();
        for await (const m of c.fetch(
          run.map((r) => r.uid).join(','),
          { uid: true, source: true },
          { uid: true },
        ))
          if (m.source) sources.set(m.uid, m.source);
        const before = previous;
        previous = (async () => {
          const hashes = await Promise.all(
            run.map((r) => (sources.has(r.uid) ? spool.putBuffer(sources.get(r.uid)!) : undefined)),
          );
          await before;
          const spooled = run.flatMap((m, k) =>
            hashes[k] ? [{ m, hash: hashes[k], size: sources.get(m.uid)!.length }] : [],
          );
          await register(validity, spooled, moves);
          await advance(run[run.length - 1]!.uid);
        })();
        previous.catch(() => undefined); // awaited below; this only silences the early warning
      } else {
        await previous;
        const m = fresh[i++]!;
        await takeLarge(c, validity, m, moves);
        await advance(m.uid);
      }
    }
    await previous;
    await mover.moveOn(c, moves); // finished copies (duplicates, or a move lost to a crash)
    lastProgress = Date.now();
    await store.heartbeat();
  };

  // INTERNALDATE, never the sender's Date: header, drives the rules (C1/C2).
  const refOf = (hash: string, validity: string, m: FetchMessageObject, size: number): MailRef => ({
    hash,
    mailbox: cfg.mailbox,
    uidValidity: validity,
    uid: m.uid,
    internalDate: new Date(m.internalDate ?? Date.now()).toISOString(),
    size,
  });

  const takeLarge = async (
    c: ImapFlow,
    validity: string,
    m: FetchMessageObject,
    moves: Array<{ hash: string; outcome: Outcome }>,
  ) => {
    if ((m.size ?? 0) > ctx.config.inbound.maxMailBytes) {
      // Never downloaded: quarantined by its server identity.
      const hash = `oversize-${validity}-${m.uid}`;
      const ref = refOf(hash, validity, m, m.size ?? 0);
      const decided = {
        rule: 'size',
        action: 'quarantine',
        outcome: 'quarantine',
        reason: 'MAIL_TOO_LARGE',
      } as const;
      const plan = await store.savePlan({ hash, ...decided });
      await store.markDone(ref, plan, { mail: hash, ...decided, actor: 'watcher' });
      // A refused MOVE ends the sweep; the next one retries.
      await moveUids(c, String(m.uid), mover.target('quarantine'));
      return;
    }
    // imapflow asks for 64 KB per round trip by default: a 5 MB mail took 80 of them.
    const dl = await c.download(String(m.uid), undefined, { uid: true, chunkSize: 1024 * 1024 });
    if (!dl.content) return; // expunged meanwhile: nothing to take
    const { hash, size } = await spool.put(dl.content, ctx.config.inbound.maxMailBytes);
    await register(validity, [{ m, hash, size }], moves);
  };

  /**
   * Spooled mail: record the UID each is under, then queue it (or move it, if already done). One
   * pipeline and one bulk add per run: three round trips per mail made registering the slow step.
   */
  const register = async (
    validity: string,
    spooled: Array<{ m: FetchMessageObject; hash: string; size: number }>,
    moves: Array<{ hash: string; outcome: Outcome }>,
  ) => {
    if (!spooled.length) return;
    const p = store.redis.pipeline();
    for (const { m, hash } of spooled)
      p.sadd(store.k('uids', hash), `${validity}:${m.uid}`).get(store.k('done', hash));
    const res = await exec(p);
    const jobs = [];
    for (const [i, { m, hash, size }] of spooled.entries()) {
      log.debug('new mail', { uid: m.uid, size });
      const done = res[2 * i + 1] as Outcome | null;
      if (done)
        moves.push({ hash, outcome: done }); // a duplicate, or finished but not yet moved
      else
        jobs.push({
          name: 'mail',
          data: refOf(hash, validity, m, size),
          opts: { jobId: inboundJobId(hash) },
        });
    }
    if (jobs.length) await queue.addBulk(jobs);
  };

  const session = async () => {
    const c = createImapClient(ctx.config, { disableAutoIdle: true });
    client = c;
    c.on('error', (err) => log.warn('imap error', { err }));
    c.on('exists', kick);
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    await c.connect();
    await c.mailboxOpen(cfg.mailbox);
    log.info('watching', { mailbox: cfg.mailbox });
    while (!stopping && holding && c.usable) {
      if (dirty) await sweep(c);
      else await Promise.race([c.idle(), closed]);
    }
  };

  const renew = setInterval(
    async () => {
      try {
        const had = holding;
        holding = await store.lease(cfg.mailbox, owner, leaseMs);
        if (had && !holding) {
          log.warn('lease lost: another watcher took over');
          client?.close();
        }
        if (holding) await store.heartbeat();
        // Watchdog: a session that has not swept for three sweep periods is stuck; drop it.
        if (holding && client && Date.now() - lastProgress > 3 * cfg.sweepSeconds * 1000 + leaseMs) {
          log.warn('watchdog: no progress, reconnecting');
          lastProgress = Date.now();
          client.close();
        }
      } catch (err) {
        log.warn('lease renewal failed', { err });
      }
    },
    Math.max(250, Math.floor(leaseMs / 3)),
  );
  const periodic = setInterval(kick, cfg.sweepSeconds * 1000);

  const loop = (async () => {
    let backoff = 250;
    while (!stopping) {
      holding = await store.lease(cfg.mailbox, owner, leaseMs).catch(() => false);
      if (!holding) {
        await sleep(Math.max(250, leaseMs / 3));
        continue;
      }
      try {
        dirty = true;
        reconcile = true;
        lastProgress = Date.now();
        await session();
        backoff = 250;
      } catch (err) {
        if (!stopping) log.warn('imap session ended', { err });
      } finally {
        client?.close();
        client = undefined;
      }
      if (stopping) break;
      await sleep(backoff / 2 + Math.random() * backoff); // jitter: watchers do not reconnect in step
      backoff = Math.min(backoff * 2, 30_000);
    }
  })();

  return {
    name: 'watcher',
    async close() {
      stopping = true;
      clearInterval(renew);
      clearInterval(periodic);
      const c = client;
      if (c) await c.logout().catch(() => c.close());
      await loop;
      await store.releaseLease(cfg.mailbox, owner).catch(() => undefined);
      await mover.close();
      await queue.close();
    },
  };
}
