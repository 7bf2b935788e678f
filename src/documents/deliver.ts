import type { Booking } from '../bookings/model.js';
import { formatJaRange, jst } from '../domain/time.js';
import type { InboundDeps } from '../inbound/deps.js';
import { send } from '../inbound/outgoing.js';
import { isComplete, type ParsedMail } from '../inbound/parse.js';
import type { Plan } from '../inbound/store.js';
import { renderReply } from '../invites/templates.js';
import { envelope } from '../outbox/envelope.js';
import { acceptDocuments } from './accept.js';
import { ackLists, staffLines } from './messages.js';

/**
 * D1/D2: the documents of one seeker message to the booking's staff member, in one mail (never
 * two: keyed by the mail's hash), files attached up to documents.attachUpToBytes, else listed with
 * how to fetch them. Nobody else's data is in it. Returns the lists for the seeker's acknowledgement.
 */
export async function deliverDocuments(
  deps: InboundDeps,
  plan: Plan,
  booking: Booking,
  parsedAlready?: ParsedMail,
): Promise<Record<string, string>> {
  const { svc } = deps;
  const cfg = svc.ctx.config;
  const [seeker, staff] = await Promise.all([
    svc.store.getSeeker(booking.seekerId),
    svc.store.getStaff(booking.staffId),
  ]);
  if (!seeker || !staff) return {};
  const parsed = parsedAlready && isComplete(parsedAlready) ? parsedAlready : await deps.parse(plan.hash); // a retry re-parses
  const a = await acceptDocuments(
    { config: cfg, blobs: deps.documents, docs: deps.docs },
    plan.hash,
    parsed,
    booking,
    seeker,
  );
  for (const d of a.accepted)
    await deps.store.auditOnce(plan.hash, `doc-stored-${d.id}`, {
      mail: plan.hash.slice(0, 16),
      rule: 'D1',
      action: 'document-stored',
      outcome: d.docKind,
      reason: d.kind,
      actor: 'inbound',
      booking: booking.id,
      document: d.id,
    });
  if (a.accepted.length) {
    const total = a.accepted.reduce((n, d) => n + d.size, 0);
    const attach = total <= cfg.documents.attachUpToBytes;
    const r = renderReply('staff-documents', 'ja', {
      staffName: staff.name,
      when: formatJaRange(jst(booking.start), jst(booking.end)),
      bookingRef: booking.id,
      files: staffLines(a),
      delivery: attach
        ? 'ファイルはこのメールに添付しています。確認後は madoguchi documents reviewed <ID> で確認済みにしてください。'
        : `合計 ${Math.round(total / 1024 / 1024)} MB のため添付していません。madoguchi documents get <ID> --out <ファイル> で取り出してください。`,
    });
    for (const d of a.accepted)
      await deps.store.auditOnce(plan.hash, `doc-forward-${d.id}`, {
        mail: plan.hash.slice(0, 16),
        rule: 'D2',
        action: attach ? 'document-forwarded' : 'document-announced',
        outcome: 'queued',
        reason: 'assigned staff member',
        actor: 'inbound',
        booking: booking.id,
        document: d.id,
      });
    await send(deps, `docs-${plan.hash}`, 'documents-to-staff', {
      ...envelope(cfg, `docs-${plan.hash.slice(0, 16)}`),
      to: [staff.email],
      subject: r.subject,
      text: r.text,
      ...(attach
        ? {
            attachments: a.accepted.map((d) => ({
              blob: d.sha256,
              filename: d.filename,
              contentType: d.contentType,
            })),
          }
        : {}),
    });
  }
  return ackLists(a, Boolean(plan.english));
}
