import { createHash } from 'node:crypto';
import type { Booking, Seeker } from '../bookings/model.js';
import type { Config } from '../config/schema.js';
import { normaliseSeekerNumber } from '../domain/seeker-number.js';
import { jst } from '../domain/time.js';
import type { ParsedMail } from '../inbound/parse.js';
import { documentChecks } from '../runtime/metrics.js';
import type { BlobStore } from '../storage/encrypted-store.js';
import type { Checked } from './checks.js';
import { documentKind, seekerNumberIn } from './pdf-text.js';
import type { DocumentRecord, DocumentStore } from './store.js';
import { verdicts } from './verdict.js';

export interface Accepted {
  accepted: DocumentRecord[];
  refused: Checked[];
}

/**
 * Check, store (encrypted, deduplicated) and record the documents of one mail for one booking.
 * Idempotent per mail: record ids derive from the mail's hash and the part's position.
 */
export async function acceptDocuments(
  deps: { config: Readonly<Config>; blobs: BlobStore; docs: DocumentStore },
  mailHash: string,
  parsed: ParsedMail,
  booking: Booking,
  seeker: Seeker,
): Promise<Accepted> {
  const accepted: DocumentRecord[] = [];
  const refused: Checked[] = [];
  const purgeAfter = jst(booking.end).plus({ days: deps.config.documents.retentionDays }).toUTC().toISO()!;
  for (const [i, c] of (await verdicts(deps, parsed)).entries()) {
    documentChecks.inc({ verdict: c.refused ?? 'accepted' });
    if (c.refused) {
      refused.push(c);
      continue;
    }
    let docKind = 'other';
    let pages: number | undefined;
    let pdf: string | undefined;
    let seekerNumberMatches: boolean | undefined;
    const t = c.pdf;
    if (t) {
      pdf = !t.ok ? t.kind : c.large ? 'not-read-too-large' : 'ok';
      if (t.ok) pages = t.pages;
      if (t.ok && !c.large) {
        docKind = documentKind(t.text);
        const n = seekerNumberIn(t.text);
        if (n) seekerNumberMatches = normaliseSeekerNumber(n) === seeker.seekerNumber;
      }
    } else docKind = documentKind(c.filename);
    const sha256 = c.blob ?? (await deps.blobs.putBuffer(c.content));
    const rec: DocumentRecord = {
      id: `doc_${createHash('sha256').update(`${mailHash}:${i}`).digest('hex').slice(0, 12)}`,
      mail: mailHash.slice(0, 16),
      sha256,
      filename: c.filename,
      originalName: c.originalName,
      contentType: contentTypeOfKind(c.kind),
      kind: c.kind,
      docKind,
      ...(pages !== undefined ? { pages } : {}),
      ...(pdf ? { pdf } : {}),
      ...(seekerNumberMatches !== undefined ? { seekerNumberMatches } : {}),
      size: c.size,
      staffId: booking.staffId,
      bookingId: booking.id,
      seekerId: seeker.id,
      status: 'new',
      createdAt: new Date().toISOString(),
      purgeAfter,
    };
    // A retry keeps the record written the first time (its createdAt); a new one is `rec` itself.
    const created = await deps.docs.put(rec);
    accepted.push(created ? rec : ((await deps.docs.get(rec.id)) ?? rec));
  }
  if (refused.length)
    await deps.docs.putRefused(
      booking.id,
      mailHash.slice(0, 16),
      refused.map((c) => ({ mail: mailHash.slice(0, 16), filename: c.filename, reason: c.refused! })),
      purgeAfter,
    );
  return { accepted, refused };
}

const TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  jpeg: 'image/jpeg',
  png: 'image/png',
  heic: 'image/heic',
  text: 'text/plain',
  zip: 'application/zip',
};
/** The Content-Type a stored or served file is given: from its sniffed kind, never the mail's claim. */
export const contentTypeOfKind = (kind: string) => TYPES[kind] ?? 'application/octet-stream';
