import { findStaff } from '../bookings/staff.js';
import { textProblems } from '../domain/text.js';
import { MadoguchiError } from '../errors.js';
import { onePrefix } from '../inbound/admin.js';
import type { InboundDeps } from '../inbound/deps.js';
import { send } from '../inbound/outgoing.js';
import { renderReply } from '../invites/templates.js';
import { envelope } from '../outbox/envelope.js';

// The triage queue (issue #11): every mail decided 'staff-triage' is an item, open → assigned →
// done. The inbound store's sorted set `triage` (hash by time) is the list; an item's state lives
// beside it. A mail triaged before items existed has no state yet: it is open. So nothing already
// triaged is lost, and there is nothing to migrate.

export type TriageState = 'open' | 'assigned' | 'done';
export const TRIAGE_STATES: TriageState[] = ['open', 'assigned', 'done'];

export interface TriageItem {
  /** The first 16 hex digits of the mail's hash (as in the audit trail). */
  id: string;
  hash: string;
  /** When it was triaged (ISO). */
  at: string;
  rule: string;
  reason: string;
  state: TriageState;
  assignee?: string;
  note?: string;
  /** The seeker or booking staff linked the mail to (it then shows on their page). */
  seekerId?: string;
  bookingId?: string;
  updatedAt?: string;
}

const itemKey = (deps: InboundDeps, hash: string) => deps.store.k('triage-item', hash);

/** Triaged mail as [hash, when (ms)], oldest first, optionally only those in `only`. */
async function triaged(
  deps: InboundDeps,
  only?: (hash: string) => boolean,
): Promise<Array<[string, number]>> {
  const rows = await deps.store.redis.zrange(deps.store.k('triage'), '0', '-1', 'WITHSCORES');
  const out: Array<[string, number]> = [];
  for (let i = 0; i < rows.length; i += 2)
    if (!only || only(rows[i]!)) out.push([rows[i]!, Number(rows[i + 1])]);
  return out;
}

/** The items of these mails: state and plan read in one pipeline. */
async function itemsOf(deps: InboundDeps, rows: Array<[string, number]>): Promise<TriageItem[]> {
  const p = deps.store.redis.pipeline();
  for (const [h] of rows) p.hgetall(itemKey(deps, h)).get(deps.store.k('plan', h));
  const res = (await p.exec()) ?? [];
  return rows.map(([hash, at], i): TriageItem => {
    const rec = (res[2 * i]?.[1] ?? {}) as Record<string, string>;
    const plan = JSON.parse((res[2 * i + 1]?.[1] as string | null) ?? '{}') as {
      rule?: string;
      reason?: string;
    };
    return {
      id: hash.slice(0, 16),
      hash,
      at: new Date(at).toISOString(),
      rule: plan.rule ?? '',
      reason: plan.reason ?? '',
      state: (rec.state as TriageState | undefined) ?? 'open',
      ...(rec.assignee ? { assignee: rec.assignee } : {}),
      ...(rec.note ? { note: rec.note } : {}),
      ...(rec.seekerId ? { seekerId: rec.seekerId } : {}),
      ...(rec.bookingId ? { bookingId: rec.bookingId } : {}),
      ...(rec.updatedAt ? { updatedAt: rec.updatedAt } : {}),
    };
  });
}

/** Every item, oldest first, open before the rest; filtered by state and by assignee (staff id). */
export async function listTriage(
  deps: InboundDeps,
  filter: { state?: TriageState; assignee?: string } = {},
): Promise<TriageItem[]> {
  const rank = (s: TriageState) => (s === 'done' ? 1 : 0);
  return (await itemsOf(deps, await triaged(deps)))
    .filter(
      (x) =>
        (!filter.state || x.state === filter.state) && (!filter.assignee || x.assignee === filter.assignee),
    )
    .sort((a, b) => rank(a.state) - rank(b.state) || a.at.localeCompare(b.at));
}

/** One item by its id (a prefix of the mail's hash, unique among triaged mail): only it is read. */
export async function triageItem(deps: InboundDeps, prefix: string): Promise<TriageItem> {
  const rows = await triaged(deps);
  const hash = onePrefix(
    rows.map(([h]) => h),
    prefix,
    'triage item',
  );
  return (
    await itemsOf(
      deps,
      rows.filter(([h]) => h === hash),
    )
  )[0]!;
}

/** What the mail says, for staff eyes (never logs): sender as written, subject, text, files. */
export async function triageMail(deps: InboundDeps, item: TriageItem) {
  const m = await deps.parse(item.hash, { spill: false, skim: true });
  return {
    from: m.from ?? '',
    messageId: m.messageId,
    references: m.references,
    subject: m.subject,
    text: m.text,
    attachments: m.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
    })),
    /** The header lines as decoded, for "show the original headers". */
    headers: [...m.headers].flatMap(([k, vs]) => vs.map((v) => `${k}: ${v}`)).join('\n'),
  };
}

async function update(
  deps: InboundDeps,
  item: TriageItem,
  fields: Record<string, string>,
  action: string,
  actor: string,
): Promise<TriageItem> {
  const bad = textProblems({ actor, ...fields });
  if (bad.length) throw new MadoguchiError('USAGE', bad.join('; '));
  const updatedAt = new Date().toISOString();
  await deps.store.redis.hset(itemKey(deps, item.hash), { ...fields, updatedAt });
  await deps.store.audit({ rule: 'triage', action, mail: item.id, actor, outcome: 'ok', reason: item.rule });
  return { ...item, ...(fields as Partial<TriageItem>), updatedAt };
}

/** Assign to a staff member (by id or e-mail): open → assigned. Audited. */
export async function assignTriage(deps: InboundDeps, prefix: string, to: string, actor: string) {
  const item = await triageItem(deps, prefix);
  const staff = await findStaff(deps.svc.store, to);
  return update(deps, item, { state: 'assigned', assignee: staff.id }, 'triage-assign', actor);
}

/** Done, with an optional note (one line). Audited without the note (it may name people). */
export async function doneTriage(deps: InboundDeps, prefix: string, note: string, actor: string) {
  const item = await triageItem(deps, prefix);
  return update(deps, item, { state: 'done', ...(note ? { note } : {}) }, 'triage-done', actor);
}

/**
 * A staff reply from the consultation address, threaded (In-Reply-To, References) and queued in
 * the outbox under a key made of the item and `once` (a token of the page the reply was written
 * on): a double submit is the same key, so the sender gets one mail. Audited without the text.
 */
export async function replyTriage(
  deps: InboundDeps,
  prefix: string,
  body: string,
  once: string,
  actor: string,
): Promise<TriageItem> {
  const item = await triageItem(deps, prefix);
  const bad = textProblems({ actor, once, body: body.replace(/\r?\n/g, ' ') });
  if (bad.length || !body.trim() || !/^[\w-]{8,64}$/.test(once))
    throw new MadoguchiError('USAGE', bad.join('; ') || 'a reply needs a text');
  const mail = await triageMail(deps, item);
  if (!mail.from) throw new MadoguchiError('USAGE', 'the mail has no sender to reply to');
  const cfg = deps.svc.ctx.config;
  const r = renderReply('triage-reply', 'ja', {
    subject: mail.subject.replace(/^\s*(re|返信)\s*[:：]\s*/i, ''),
    body: body.replace(/\r\n?/g, '\n').trim(),
    officeName: cfg.office.name,
    phone: cfg.office.phone,
    departmentCode: cfg.office.departmentCode,
  });
  const key = `triage-reply-${item.id}-${once}`;
  // A person wrote it: no Auto-Submitted (RFC 3834 §5), but our loop header, like all we send.
  const { headers, ...env } = envelope(cfg, key);
  const { 'Auto-Submitted': _auto, ...ours } = headers;
  await send(deps, key, 'triage-reply', {
    ...env,
    headers: ours,
    to: [mail.from],
    subject: r.subject,
    text: r.text,
    ...(mail.messageId
      ? { inReplyTo: mail.messageId, references: [...mail.references, mail.messageId] }
      : {}),
  });
  await deps.store.audit({
    rule: 'triage',
    action: 'triage-reply',
    mail: item.id,
    actor,
    outcome: 'queued',
    reason: item.rule,
  });
  return item;
}

/**
 * Link an item to a booking (its seeker too) or to a seeker, by id: shown on the item page and on
 * the seeker's and booking's pages (indexed by seeker). Audited.
 */
export async function linkTriage(deps: InboundDeps, prefix: string, target: string, actor: string) {
  const item = await triageItem(deps, prefix);
  const booking = target.startsWith('bk_') ? await deps.svc.store.getBooking(target) : undefined;
  const seekerId = booking?.seekerId ?? ((await deps.svc.store.getSeeker(target)) ? target : undefined);
  if (!seekerId) throw new MadoguchiError('NOT_FOUND', `no booking or seeker ${target}`);
  await deps.store.redis.sadd(deps.store.k('triage-by-seeker', seekerId), item.hash);
  return update(
    deps,
    item,
    { seekerId, ...(booking ? { bookingId: booking.id } : {}) },
    'triage-link',
    actor,
  );
}

/** The items linked to a seeker (for their page). */
export async function triageForSeeker(deps: InboundDeps, seekerId: string): Promise<TriageItem[]> {
  const hashes = new Set(await deps.store.redis.smembers(deps.store.k('triage-by-seeker', seekerId)));
  return hashes.size ? itemsOf(deps, await triaged(deps, (h) => hashes.has(h))) : [];
}
