import type { InboundDeps } from '../inbound/deps.js';

/**
 * P4 retention: documents whose consultation ended documents.retentionDays ago are deleted, the
 * blob once no record uses it any more. Each deletion is in the audit trail. Returns the count.
 */
export async function purgeDocuments(deps: InboundDeps, now = Date.now()): Promise<number> {
  const { docs } = deps;
  let n = 0;
  for (const id of await docs.due(now)) {
    const d = await docs.get(id);
    if (!d) continue;
    if (await docs.remove(d)) await deps.documents.delete(d.sha256);
    await deps.store.audit({
      rule: 'P4',
      action: 'document-purged',
      document: id,
      booking: d.bookingId,
      actor: 'scheduler',
      reason: 'retention',
      outcome: 'deleted',
    });
    n++;
  }
  // Parts spilled to the store while parsing a mail that was then refused or triaged have no
  // record: collected a day later (a mail being handled right now is never that old).
  for (const { hash, mtimeMs } of await deps.documents.list()) {
    if (now - mtimeMs > 86_400_000 && !(await docs.referenced(hash))) await deps.documents.delete(hash);
  }
  // A write cut short (a crash, a parse thread killed at its time limit) leaves a temp file.
  for (const store of [deps.spool, deps.documents]) await store.removeStaleTemp(now, 86_400_000);
  return n;
}

/** At most once an hour across all schedulers (a Redis key claims the run). */
export async function purgeIfDue(deps: InboundDeps): Promise<number> {
  const claimed = await deps.store.redis.set(deps.store.k('purge-run'), '1', 'EX', 3600, 'NX');
  return claimed === 'OK' ? purgeDocuments(deps) : 0;
}
