import type { Staff } from '../bookings/model.js';
import { MadoguchiError } from '../errors.js';
import type { InboundDeps } from '../inbound/deps.js';
import type { DocumentRecord } from './store.js';

// The documents queue (issue #11), for the CLI and the console alike: who may open a document,
// and the audit entry of every access (P4), are decided here once.

export type DocumentState = 'new' | 'reviewed';

/** Documents of one staff member (or all), oldest first, optionally only new or only reviewed. */
export async function listDocuments(
  deps: InboundDeps,
  filter: { staffId?: string; state?: DocumentState } = {},
): Promise<DocumentRecord[]> {
  const rows = filter.staffId ? await deps.docs.forStaff(filter.staffId) : await deps.docs.all();
  return rows
    .filter((d) => !filter.state || d.status === filter.state)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/**
 * P5: a seeker's documents are for the staff member assigned to the booking; an admin may open any
 * (a colleague's queue while they are away). A CLI operator (no staff member) is trusted as today.
 */
export function mayOpen(d: DocumentRecord, who: Staff | undefined): boolean {
  return !who || who.role === 'admin' || who.id === d.staffId;
}

async function get(deps: InboundDeps, id: string, who: Staff | undefined): Promise<DocumentRecord> {
  const d = await deps.docs.get(id);
  if (!d) throw new MadoguchiError('NOT_FOUND', `no document ${id}`);
  if (!mayOpen(d, who)) throw new MadoguchiError('FORBIDDEN', `document ${id} is another staff member's`);
  return d;
}

/** The decrypted bytes of one document; every access is in the audit trail (P4), ids only. */
export async function readDocument(
  deps: InboundDeps,
  id: string,
  actor: string,
  via: 'documents get' | 'console',
  who?: Staff,
): Promise<{ record: DocumentRecord; data: Buffer }> {
  const record = await get(deps, id, who);
  const data = await deps.documents.get(record.sha256);
  await deps.store.audit({
    rule: 'P4',
    action: 'document-read',
    document: record.id,
    booking: record.bookingId,
    actor,
    reason: via,
    outcome: 'ok',
  });
  return { record, data };
}

/** Mark a document reviewed (D1), audited. */
export async function reviewDocument(
  deps: InboundDeps,
  id: string,
  actor: string,
  who?: Staff,
): Promise<DocumentRecord> {
  await get(deps, id, who);
  const d = (await deps.docs.setStatus(id, 'reviewed'))!;
  await deps.store.audit({
    rule: 'D1',
    action: 'document-reviewed',
    document: id,
    booking: d.bookingId,
    actor,
    reason: 'reviewed',
    outcome: 'ok',
  });
  return d;
}
