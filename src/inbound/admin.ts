import { createHash } from 'node:crypto';
import { appendMail, createImapClient, deleteUids } from '../adapters/imap.js';
import { MadoguchiError } from '../errors.js';
import { sweptRecently } from './alerts.js';
import type { InboundDeps } from './deps.js';
import { createInboundQueue, inboundJobId } from './queue.js';

// What staff and operators see of the inbound side: the CLI now, the web console later.

export async function inboxStatus(deps: InboundDeps) {
  const { store, svc } = deps;
  const cfg = svc.ctx.config.inbound;
  const queue = createInboundQueue(svc.ctx);
  try {
    const [wm, holder, beat, counts, quarantined, triage] = await Promise.all([
      store.watermark(cfg.mailbox),
      store.leaseHolder(cfg.mailbox),
      store.lastHeartbeat(),
      queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
      store.redis.zcard(store.k('quarantine')),
      store.triageCount(),
    ]);
    const ageS = beat === undefined ? undefined : Math.round((Date.now() - beat) / 1000);
    return {
      mailbox: cfg.mailbox,
      watcher: holder ?? null,
      lastSweepSecondsAgo: ageS ?? null,
      watcherUp: sweptRecently(beat, cfg),
      uidValidity: wm?.uidValidity ?? null,
      lastUid: wm?.lastUid ?? 0,
      jobs: counts,
      quarantined,
      triage,
    };
  } finally {
    await queue.close();
  }
}

/** The one mail hash among `all` that starts with `prefix` (an id as lists show it), else NOT_FOUND. */
export function onePrefix(all: string[], prefix: string, what: string): string {
  const hits = all.filter((h) => h.startsWith(prefix));
  if (hits.length !== 1)
    throw new MadoguchiError('NOT_FOUND', hits.length ? `${prefix} is ambiguous` : `no ${what} ${prefix}`);
  return hits[0]!;
}

async function resolve(deps: InboundDeps, prefix: string): Promise<string> {
  return onePrefix(
    await deps.store.redis.zrange(deps.store.k('quarantine'), '0', '-1'),
    prefix,
    'quarantined mail',
  );
}

/** One quarantined mail: the reason, and (for staff eyes, never logs) who sent it and the subject. */
export async function quarantineShow(deps: InboundDeps, prefix: string) {
  const hash = await resolve(deps, prefix);
  const rec = await deps.store.redis.hgetall(deps.store.k('q', hash));
  let summary: { from?: string; subject?: string; attachments?: string[] } = {};
  if (!hash.startsWith('oversize-')) {
    try {
      const m = await deps.parse(hash, { spill: false, skim: true });
      summary = { from: m.from, subject: m.subject, attachments: m.attachments.map((a) => a.filename) };
    } catch (err) {
      summary = { subject: `(not readable: ${(err as Error).message})` };
    }
  }
  return { hash, ...rec, ...summary };
}

/**
 * Release a quarantined mail for another try (e.g. after a fix): its spooled bytes go back into
 * the watched mailbox with their original INTERNALDATE, its copy leaves Quarantine, and what we
 * recorded about it is forgotten, so the watcher takes it as new. The audit trail keeps both.
 */
export async function quarantineRelease(deps: InboundDeps, prefix: string, actor: string) {
  const hash = await resolve(deps, prefix);
  if (hash.startsWith('oversize-'))
    throw new MadoguchiError(
      'BOOKING_STATE',
      'an oversize mail was never downloaded: handle it in the Quarantine folder by hand',
    );
  const cfg = deps.svc.ctx.config;
  const raw = await deps.spool.get(hash);
  const rec = await deps.store.redis.hgetall(deps.store.k('q', hash));
  // Forget first: a watcher that sees the mail back before this would find the old done marker.
  const queue = createInboundQueue(deps.svc.ctx);
  try {
    await (await queue.getJob(inboundJobId(hash)))?.remove();
  } finally {
    await queue.close();
  }
  const undo = await deps.store.forget(hash);
  let appended = false;
  const c = createImapClient(cfg);
  c.on('error', () => undefined);
  try {
    await c.connect();
    const lock = await c.getMailboxLock(cfg.inbound.quarantineMailbox);
    try {
      // Our copy in Quarantine: only messages of the recorded size are downloaded and hashed, not
      // every quarantined mail (some are tens of MB).
      const doomed: number[] = [];
      if (c.mailbox && c.mailbox.exists > 0) {
        const sameSize: number[] = [];
        for await (const m of c.fetch('1:*', { uid: true, size: true }, { uid: true }))
          if (m.size === raw.length) sameSize.push(m.uid);
        if (sameSize.length)
          for await (const m of c.fetch(sameSize.join(','), { uid: true, source: true }, { uid: true }))
            if (m.source && createHash('sha256').update(m.source).digest('hex') === hash) doomed.push(m.uid);
      }
      // The copy in Quarantine goes only once the APPEND is confirmed.
      await appendMail(
        c,
        cfg.inbound.mailbox,
        raw,
        rec.internalDate ? new Date(rec.internalDate) : undefined,
      );
      appended = true;
      if (doomed.length) await deleteUids(c, doomed.join(','));
    } finally {
      lock.release();
    }
  } catch (err) {
    // Not released (IMAP down, APPEND refused): the mail is still quarantined, so is its record.
    // Once appended it is released, and is handled anew; only a stale copy stays in Quarantine.
    if (!appended) await undo();
    throw err;
  } finally {
    await c.logout().catch(() => c.close());
  }
  await deps.store.audit({
    mail: hash.slice(0, 16),
    rule: 'quarantine',
    action: 'release',
    outcome: 'requeued',
    reason: 'released by staff',
    actor,
  });
  return { hash, released: true };
}
