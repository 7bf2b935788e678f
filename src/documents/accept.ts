import { createHash } from 'node:crypto';
import type { Booking, Seeker } from '../bookings/model.js';
import type { Config } from '../config/schema.js';
import { normaliseSeekerNumber } from '../domain/seeker-number.js';
import { jst } from '../domain/time.js';
import { documentParts } from '../inbound/intent.js';
import { FORWARDED, type InboundPart, type ParsedMail } from '../inbound/parse.js';
import type { BlobStore } from '../storage/encrypted-store.js';
import { type Checked, checkParts } from './checks.js';
import { pdfRefusal } from './pdf-policy.js';
import { documentKind, pdfText, seekerNumberIn } from './pdf-text.js';
import type { DocumentRecord, DocumentStore } from './store.js';

/**
 * Candidate documents of a mail: every non-body part (inline photos of a résumé too), and the
 * parts of a forwarded message/rfc822, one level down (opened by the parse, see parseMail).
 */
export function candidateParts(m: ParsedMail): InboundPart[] {
  return documentParts(m.attachments).flatMap((p) =>
    FORWARDED.test(p.contentType) && !p.blob ? documentParts(p.forwarded ?? []) : [p],
  );
}

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
  const checked = await checkParts(candidateParts(parsed), deps.config.documents, (b) => deps.blobs.get(b));
  const accepted: DocumentRecord[] = [];
  const refused: Checked[] = [];
  const purgeAfter = jst(booking.end).plus({ days: deps.config.documents.retentionDays }).toUTC().toISO()!;
  for (const [i, c] of checked.entries()) {
    if (c.refused) {
      refused.push(c);
      continue;
    }
    let docKind = 'other';
    let pages: number | undefined;
    let pdf: string | undefined;
    let seekerNumberMatches: boolean | undefined;
    if (c.kind === 'pdf') {
      // Every PDF is opened for what it carries (issue #13); text only from the smaller ones.
      const data = c.blob ? await deps.blobs.get(c.blob) : c.content;
      const large = data.length > PDF_TEXT_MAX_BYTES;
      // A file loaded from the store here is ours alone: moved to the PDF thread, not copied.
      const t = await pdfText(data, { maxPages: large ? 0 : 50, transfer: !!c.blob });
      const refusal = pdfRefusal(t, deps.config.documents.pdf);
      if (refusal) {
        refused.push({ ...c, refused: refusal });
        continue;
      }
      pdf = !t.ok ? t.kind : large ? 'not-read-too-large' : 'ok';
      if (t.ok) pages = t.pages;
      if (t.ok && !large) {
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
      contentType: contentTypeOf(c),
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
  return { accepted, refused };
}

// Text is read from PDFs up to this size: a larger one is a scan (images), and pdf.js would hold
// the whole of it, several times, in the worker's heap. Larger ones are still opened for their
// structure and page count.
const PDF_TEXT_MAX_BYTES = 10 * 1024 * 1024;

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
const contentTypeOf = (c: Checked) => TYPES[c.kind] ?? 'application/octet-stream';
