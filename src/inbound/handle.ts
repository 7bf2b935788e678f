import type { DateTime } from 'luxon';
import { notifyBooking } from '../bookings/notify.js';
import { cancel } from '../bookings/service.js';
import { deliverDocuments } from '../documents/deliver.js';
import { formatJaRange, jst, jstDate } from '../domain/time.js';
import { MadoguchiError } from '../errors.js';
import { withAnalyser } from '../intent/analyser.js';
import { intentWords } from '../intent/words.js';
import { renderReply } from '../invites/templates.js';
import { envelope } from '../outbox/envelope.js';
import { rememberAlert } from '../runtime/operations.js';
import { senderTrust } from './auth-results.js';
import { automatedKind, bounceDetails } from './automated.js';
import { decide } from './decide.js';
import type { InboundDeps } from './deps.js';
import { detectIntent, isEnglish } from './intent.js';
import { send } from './outgoing.js';
import { isComplete, type ParsedMail, type ParseOptions } from './parse.js';
import { addrHash, type MailRef, type Plan } from './store.js';

const short = (hash: string) => hash.slice(0, 16);

async function facts(deps: InboundDeps, m: ParsedMail, receivedAt: DateTime): Promise<Plan> {
  const { svc } = deps;
  const cfg = svc.ctx.config;
  const automated = automatedKind(m, cfg.mail.loopHeader);
  const trust = senderTrust(m, [
    cfg.inbound.trustedAuthservId,
    cfg.ingress.smtp.enabled ? cfg.ingress.smtp.authservId : null,
  ]);
  const words = intentWords(cfg);
  const intent = svc.analyser
    ? await withAnalyser(svc.analyser, (tokenize) => detectIntent(m, words, tokenize))
    : detectIntent(m, words);
  const seekerIds = m.from ? await svc.store.seekerIdsByEmail(m.from) : [];
  const upcoming =
    seekerIds.length === 1
      ? (await svc.store.getBookings(await svc.store.seekerBookingIds(seekerIds[0]!))).filter(
          (b) => b.status === 'booked' && jst(b.start).toMillis() > receivedAt.toMillis(),
        )
      : [];
  const plan = decide({
    hash: m.hash,
    automated,
    verified: trust.verified,
    ...(trust.why ? { unverified: trust.why } : {}),
    seekerIds,
    upcoming,
    intent,
    receivedAt,
    english: isEnglish(m),
  });
  // A verified seeker's mail shows on their page in the console, whatever was decided.
  if (trust.verified && seekerIds.length === 1 && !automated)
    await deps.store.recordSeekerMail(seekerIds[0]!, {
      hash: m.hash,
      at: receivedAt.toISO()!,
      subject: m.subject,
      rule: plan.rule,
      action: plan.action,
      reason: plan.reason,
    });
  if (plan.action === 'record-bounce') {
    const b = bounceDetails(m, await deps.spool.get(m.hash), cfg.mail.messageIdDomain);
    await recordBounce(deps, b.ourMessageIds, b.recipients);
  }
  return {
    ...plan,
    ...(plan.triage ? { thread: threadOf(m) } : {}),
    ...(plan.reply && m.from
      ? {
          replyTo: m.from,
          inReplyTo: m.messageId,
          threadId: m.references[0] ?? m.inReplyTo ?? m.messageId ?? m.hash,
        }
      : {}),
  };
}

/** The ids a triaged mail's thread is known by (bounded: a hostile mail may list thousands). */
const threadOf = (m: ParsedMail) =>
  [...new Set([m.messageId, m.inReplyTo, ...m.references.slice(-20)])].filter(
    (id): id is string => !!id && id.length <= 250,
  );

/** DSN: our message ids that failed, and the addresses flagged (hashed: never an address in clear). */
async function recordBounce(deps: InboundDeps, ids: string[], recipients: string[]): Promise<void> {
  const r = deps.store.redis;
  for (const id of ids) await r.set(deps.store.k('bounced', id), '1', 'EX', 400 * 86400);
  for (const a of recipients) await deps.store.flag(a);
}

/**
 * Handle one spooled mail: decide once (the plan is stored before any effect), apply each effect
 * idempotently, record it, mark it done. Safe to run again at any point after a crash.
 */
export async function handleMail(deps: InboundDeps, ref: MailRef): Promise<Plan> {
  const { store } = deps;
  let plan = await store.getPlan(ref.hash);
  // Kept for the effects: documents use it when it is complete (nothing skimmed); a retry re-parses.
  let parsedNow: ParsedMail | undefined;
  if (!plan) {
    const receivedAt = jst(ref.internalDate);
    const quarantine = (reason: string): Plan => ({
      hash: ref.hash,
      rule: 'parse',
      action: 'quarantine',
      outcome: 'quarantine',
      reason,
    });
    const parse = async (opts: ParseOptions) => {
      const p = await deps.parse(ref.hash, opts).catch((err: unknown) => err as Error);
      if (p instanceof Error && !(p instanceof MadoguchiError)) throw p; // not the mail: retry
      return p;
    };
    // Skimmed first: what the mail is, not its files (skim.ts).
    let parsed = await parse({ skim: true });
    let decided = parsed instanceof Error ? quarantine(parsed.code) : await facts(deps, parsed, receivedAt);
    // Documents for staff need the files: read now (only the files, from where the skim left them),
    // so a file that cannot be (too slow, too big) quarantines the mail with its reason before any
    // effect, under the same limits as the first parse.
    if (decided.action === 'deliver-documents' && !(parsed instanceof Error) && !isComplete(parsed)) {
      parsed = await parse({ fill: parsed });
      if (parsed instanceof Error) decided = quarantine(parsed.code);
    }
    if (!(parsed instanceof Error)) parsedNow = parsed;
    plan = await store.savePlan(decided);
  }
  await apply(deps, plan, parsedNow);
  parsedNow = undefined;
  await store.markDone(ref, plan, {
    mail: short(ref.hash),
    rule: plan.rule,
    action: plan.action,
    outcome: plan.outcome,
    reason: plan.reason,
    actor: 'inbound',
    ...(plan.bookingId ? { booking: plan.bookingId } : {}),
  });
  return plan;
}

async function apply(deps: InboundDeps, plan: Plan, parsed?: ParsedMail): Promise<void> {
  const { svc } = deps;
  const cfg = svc.ctx.config;
  const booking = plan.bookingId ? await svc.store.getBooking(plan.bookingId) : undefined;

  if (plan.action === 'cancel' && booking) {
    if (booking.status === 'booked') await cancel(svc, booking.id, 'email', `inbound:${short(plan.hash)}`);
    await notifyBooking(svc, booking.id); // CANCEL to seeker and staff; idempotent per sequence
  }

  // D1: documents to the booking's staff member; the lists come back for the acknowledgement.
  const docVars =
    plan.action === 'deliver-documents' && booking ? await deliverDocuments(deps, plan, booking, parsed) : {};

  const vars = (extra: Record<string, string> = {}) => ({
    officeName: cfg.office.name,
    phone: cfg.office.phone,
    departmentCode: cfg.office.departmentCode,
    graceMinutes: String(cfg.noShow.graceMinutes),
    referralText: cfg.booking.referralText,
    when: booking ? formatJaRange(jst(booking.start), jst(booking.end)) : '',
    bookingRef: booking?.id ?? '',
    ...extra,
  });

  if (plan.reply && plan.replyTo && (await replyGate(deps, plan))) {
    const r = renderReply(plan.reply, plan.english ? 'en' : 'ja', vars(docVars));
    await send(deps, `reply-${plan.hash}`, 'inbound-reply', {
      ...envelope(cfg, `reply-${short(plan.hash)}`, 'auto-replied'),
      to: [plan.replyTo],
      subject: r.subject,
      text: r.text,
      ...(plan.inReplyTo
        ? {
            inReplyTo: plan.inReplyTo,
            references: [plan.threadId, plan.inReplyTo].filter((x): x is string => !!x),
          }
        : {}),
    });
  }

  if (plan.alertStaff && booking) {
    const staff = await svc.store.getStaff(booking.staffId);
    if (staff) {
      // C2: told to phone; C1: cancelled. Both quote the sentence taken as the request.
      const template = plan.rule === 'C2' ? 'staff-same-day' : 'staff-cancelled';
      const r = renderReply(template, 'ja', vars({ staffName: staff.name, quote: plan.quote ?? '' }));
      await send(deps, `staff-alert-${plan.hash}`, 'staff-alert', {
        ...envelope(cfg, `alert-${short(plan.hash)}`),
        to: [staff.email],
        subject: r.subject,
        text: r.text,
      });
    }
  }

  if (plan.outcome === 'quarantine')
    await opsAlert(
      deps,
      `quarantine-${plan.hash}`,
      'メールを隔離しました',
      `理由: ${plan.reason}\nメッセージ: ${short(plan.hash)}`,
    );
}

/** RFC 3834 §2: one reply per thread, a few per address per JST day; decided once per mail. */
function replyGate(deps: InboundDeps, plan: Plan): Promise<boolean> {
  const { store } = deps;
  const day = jstDate(jst(Date.now()));
  return store.cappedOnce(plan.hash, 'reply', {
    counter: store.k('replies', day, addrHash(plan.replyTo!)),
    max: deps.svc.ctx.config.inbound.repliesPerAddressPerDay,
    windowS: 3 * 86400,
    claim: store.k('thread', plan.threadId ?? plan.hash),
  });
}

export async function opsAlert(deps: InboundDeps, key: string, alert: string, detail: string): Promise<void> {
  const cfg = deps.svc.ctx.config;
  // At most inbound.alertsPerHour; decided once per alert key, so a retry neither re-counts nor re-sends.
  const hour = new Date().toISOString().slice(0, 13);
  const allowed = await deps.store.cappedOnce(key, 'alert', {
    counter: deps.store.k('alerts', hour),
    max: cfg.inbound.alertsPerHour,
    windowS: 7200,
  });
  await rememberAlert(deps, key, alert, allowed);
  if (!allowed) return;
  const r = renderReply('ops-alert', 'ja', { alert, detail });
  await send(deps, key, 'ops-alert', {
    ...envelope(cfg, `ops-${key.slice(0, 40)}`),
    to: [cfg.office.operationsAddress],
    subject: r.subject,
    text: r.text,
  });
}
