import { findStaff } from '../bookings/staff.js';
import { textProblems } from '../domain/text.js';
import { MadoguchiError } from '../errors.js';
import { onePrefix } from '../inbound/admin.js';
import type { InboundDeps } from '../inbound/deps.js';
import { TRIAGE_TAKE } from './lua.js';

// The triage queue (issue #11): every mail decided 'staff-triage' is an item, open → assigned →
// done. The inbound store's sorted set `triage` (hash by time) is the list; an item's state lives
// beside it, and `triage-open` holds the items not done (for counts and the oldest one's age). A
// later mail of the same thread joins its item (lua.ts). A mail triaged before items existed has
// no state: it is open, and migrateTriage puts it in `triage-open`.

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
  /** The mails of the thread that joined the item after its first (hashes, oldest first). */
  later: string[];
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
  for (const [h] of rows)
    p.hgetall(itemKey(deps, h))
      .get(deps.store.k('plan', h))
      .zrange(`${itemKey(deps, h)}:mails`, '0', '-1');
  const res = (await p.exec()) ?? [];
  return rows.map(([hash, at], i): TriageItem => {
    const rec = (res[3 * i]?.[1] ?? {}) as Record<string, string>;
    const plan = JSON.parse((res[3 * i + 1]?.[1] as string | null) ?? '{}') as {
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
      later: (res[3 * i + 2]?.[1] as string[] | undefined) ?? [],
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
  const m = deps.store.redis.multi().hset(itemKey(deps, item.hash), { ...fields, updatedAt });
  if (fields.state === 'done') m.zrem(deps.store.k('triage-open'), item.hash);
  else if (fields.state) m.zadd(deps.store.k('triage-open'), Date.parse(item.at), item.hash); // re-assigned after done
  await m.exec();
  await deps.store.audit({ rule: 'triage', action, mail: item.id, actor, outcome: 'ok', reason: item.rule });
  return { ...item, ...(fields as Partial<TriageItem>), updatedAt };
}

/** Assign to a staff member (by id or e-mail): open → assigned. Audited. */
export async function assignTriage(deps: InboundDeps, prefix: string, to: string, actor: string) {
  const item = await triageItem(deps, prefix);
  const staff = await findStaff(deps.svc.store, to);
  return update(deps, item, { state: 'assigned', assignee: staff.id }, 'triage-assign', actor);
}

/**
 * Take an item for oneself: only while it is open, so two staff taking it at once cannot both
 * have it (one atomic step; the other is told who has it). Audited.
 */
export async function takeTriage(deps: InboundDeps, prefix: string, staffId: string, actor: string) {
  const item = await triageItem(deps, prefix);
  const updatedAt = new Date().toISOString();
  const holder = (await deps.store.redis.eval(
    TRIAGE_TAKE,
    1,
    itemKey(deps, item.hash),
    staffId,
    updatedAt,
  )) as string;
  if (holder)
    throw new MadoguchiError(
      'TRIAGE_TAKEN',
      `triage item ${item.id} is already ${holder === 'done' ? 'done' : 'taken'}`,
    );
  await deps.store.audit({
    rule: 'triage',
    action: 'triage-take',
    mail: item.id,
    actor,
    outcome: 'ok',
    reason: item.rule,
  });
  return { ...item, state: 'assigned' as const, assignee: staffId, updatedAt };
}

/** Done, with an optional note (one line). Audited without the note (it may name people). */
export async function doneTriage(deps: InboundDeps, prefix: string, note: string, actor: string) {
  const item = await triageItem(deps, prefix);
  return update(deps, item, { state: 'done', ...(note ? { note } : {}) }, 'triage-done', actor);
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

/** The items linked to a booking (for its page). */
export async function triageForBooking(deps: InboundDeps, seekerId: string, bookingId: string) {
  return (await triageForSeeker(deps, seekerId)).filter((x) => x.bookingId === bookingId);
}

/** Items not done: how many, and since when the oldest has waited (for navigation and operations). */
export async function openTriage(deps: InboundDeps): Promise<{ count: number; oldest?: string }> {
  const key = deps.store.k('triage-open');
  const [count, first] = await Promise.all([
    deps.store.redis.zcard(key),
    deps.store.redis.zrange(key, '0', '0', 'WITHSCORES'),
  ]);
  return { count, ...(first[1] ? { oldest: new Date(Number(first[1])).toISOString() } : {}) };
}

/**
 * Mail triaged before the queue had items (only the sorted set `triage`) is open: put into
 * `triage-open` once, at first start. Idempotent and safe to run from several processes at once;
 * nothing in the `triage` set is changed, so no triaged mail can be lost by it.
 */
export async function migrateTriage(deps: InboundDeps): Promise<number> {
  const done = deps.store.k('triage-migrated');
  if (await deps.store.redis.exists(done)) return 0;
  const rows = await triaged(deps);
  const items = await itemsOf(deps, rows);
  const open = items.filter((x) => x.state !== 'done');
  const m = deps.store.redis.multi();
  for (const x of open) m.zadd(deps.store.k('triage-open'), Date.parse(x.at), x.hash);
  await m.set(done, new Date().toISOString()).exec();
  return open.length;
}
