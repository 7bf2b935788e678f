import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { exec } from '../adapters/redis.js';
import { TRIAGE_ENTER } from '../triage/lua.js';

const AUDIT_ONCE = `if redis.call('HSETNX', KEYS[1], ARGV[1], '1') == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
end`;

/** How long per-mail state lives: longer than any booking (a year ahead) and its retries. */
const TTL_S = 400 * 86400;

export type Outcome = 'processed' | 'quarantine';

/** What was decided for one mail, stored before any effect so a retry repeats the same decision. */
export interface Plan {
  hash: string;
  rule: string;
  action: string;
  outcome: Outcome;
  reason: string;
  bookingId?: string;
  reply?: string;
  english?: boolean;
  alertStaff?: boolean;
  /** The sentence taken as a cancellation request, quoted to the staff member (never logged). */
  quote?: string;
  triage?: boolean;
  /** Where a reply goes and how it threads (the sender's own address and Message-ID). */
  replyTo?: string;
  inReplyTo?: string;
  threadId?: string;
  /** A triaged mail's Message-ID, In-Reply-To and References: a later mail of the thread joins its item. */
  thread?: string[];
}

export interface SeekerMail {
  hash: string;
  /** INTERNALDATE, ISO. */
  at: string;
  subject: string;
  rule: string;
  action: string;
  reason: string;
}

export interface MailRef {
  hash: string;
  mailbox: string;
  uidValidity: string;
  uid: number;
  internalDate: string;
  size: number;
}

/** Inbound state in Redis: watermarks, the watcher lease, plans, done markers, quarantine, audit. */
export class InboundStore {
  constructor(
    readonly redis: Redis,
    private readonly prefix: string,
  ) {}
  k(...parts: string[]) {
    return [this.prefix, 'in', ...parts].join(':');
  }

  async watermark(mailbox: string): Promise<{ uidValidity: string; lastUid: number } | undefined> {
    const h = await this.redis.hgetall(this.k('wm', mailbox));
    return h.uidValidity ? { uidValidity: h.uidValidity, lastUid: Number(h.lastUid ?? 0) } : undefined;
  }
  async setWatermark(mailbox: string, uidValidity: string, lastUid: number): Promise<void> {
    await this.redis.hset(this.k('wm', mailbox), { uidValidity, lastUid: String(lastUid) });
  }

  /** Take or renew the lease on a mailbox; true when `owner` holds it afterwards. */
  async lease(mailbox: string, owner: string, ms: number): Promise<boolean> {
    const res = await this.redis.eval(
      `local v = redis.call('GET', KEYS[1])
       if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
       if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
       return 0`,
      1,
      this.k('lease', mailbox),
      owner,
      String(ms),
    );
    return res === 1;
  }
  async releaseLease(mailbox: string, owner: string): Promise<void> {
    await this.redis.eval(
      `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
      1,
      this.k('lease', mailbox),
      owner,
    );
  }
  leaseHolder(mailbox: string) {
    return this.redis.get(this.k('lease', mailbox));
  }
  heartbeat(): Promise<unknown> {
    return this.redis.set(this.k('heartbeat'), String(Date.now()));
  }
  async lastHeartbeat(): Promise<number | undefined> {
    const v = await this.redis.get(this.k('heartbeat'));
    return v ? Number(v) : undefined;
  }

  /** First plan wins: a retry after a crash gets the plan made before it. */
  async savePlan(plan: Plan): Promise<Plan> {
    // One round trip (Redis 7: SET … NX GET): the earlier plan if there was one, else ours.
    const prior = (await this.redis.call(
      'SET',
      this.k('plan', plan.hash),
      JSON.stringify(plan),
      'EX',
      String(TTL_S),
      'NX',
      'GET',
    )) as string | null;
    return prior ? (JSON.parse(prior) as Plan) : plan;
  }
  async getPlan(hash: string): Promise<Plan | undefined> {
    const v = await this.redis.get(this.k('plan', hash));
    return v ? (JSON.parse(v) as Plan) : undefined;
  }
  /**
   * An audit entry written at most once per mail (or alert) and step, in one atomic step: a
   * retry after a crash neither repeats the entry nor loses it between the "done" mark and XADD.
   */
  async auditOnce(id: string, step: string, entry: Record<string, string>): Promise<void> {
    await this.redis.eval(AUDIT_ONCE, 2, ...this.auditOnceArgs(id, step, entry));
  }
  private auditOnceArgs(id: string, step: string, entry: Record<string, string>): string[] {
    return [this.k('step', id), this.k('audit'), step, String(TTL_S), ...Object.entries(entry).flat()];
  }

  /**
   * The end of a mail's handling, in one transaction (one round trip): its audit entry (once),
   * the done marker, and its place in the quarantine or triage list.
   */
  async markDone(ref: MailRef, plan: Plan, audit: Record<string, string>): Promise<void> {
    const at = Date.now();
    const m = this.redis
      .multi()
      .eval(AUDIT_ONCE, 2, ...this.auditOnceArgs(ref.hash, 'audit', audit))
      .set(this.k('done', ref.hash), plan.outcome, 'EX', TTL_S);
    if (plan.outcome === 'quarantine') {
      m.zadd(this.k('quarantine'), at, ref.hash).hset(this.k('q', ref.hash), {
        reason: plan.reason,
        rule: plan.rule,
        at: new Date(at).toISOString(),
        internalDate: ref.internalDate,
        size: String(ref.size),
      });
    }
    if (plan.triage)
      m.eval(
        TRIAGE_ENTER,
        4,
        this.k('triage'),
        this.k('triage-open'),
        this.k('triage-thread'),
        this.k('audit'),
        ref.hash,
        String(at),
        this.k('triage-item', ''),
        new Date(at).toISOString(),
        ...(plan.thread ?? []),
      );
    await exec(m);
  }
  async done(hash: string): Promise<Outcome | undefined> {
    return ((await this.redis.get(this.k('done', hash))) as Outcome | null) ?? undefined;
  }
  /**
   * Forget how a mail was handled (done marker, plan, steps, quarantine record) so it is handled
   * anew. Returns how to put all of it back, for a caller whose next step may fail.
   */
  async forget(hash: string): Promise<() => Promise<void>> {
    const keys = ['done', 'plan', 'q', 'step'].map((part) => this.k(part, hash));
    const list = this.k('quarantine');
    const saved = this.redis.pipeline();
    for (const key of keys) saved.dumpBuffer(key).pttl(key);
    const r = await exec(saved.zscore(list, hash));
    await exec(
      this.redis
        .multi()
        .del(...keys)
        .zrem(list, hash),
    );
    return async () => {
      const m = this.redis.multi();
      for (const [i, key] of keys.entries()) {
        const dump = r[2 * i] as Buffer | null;
        const ttl = r[2 * i + 1] as number;
        if (dump) m.restore(key, Math.max(ttl, 0), dump, 'REPLACE');
      }
      const score = r[2 * keys.length] as string | null;
      if (score !== null) m.zadd(list, score, hash);
      await exec(m);
    };
  }

  async quarantined(): Promise<Array<{ hash: string; reason: string; rule: string; at: string }>> {
    const hashes = await this.redis.zrange(this.k('quarantine'), '0', '-1');
    // One pipeline, not a round trip per quarantined mail.
    const rows = (await exec(this.redis.pipeline(hashes.map((h) => ['hgetall', this.k('q', h)])))) as Array<
      Record<string, string>
    >;
    return hashes.map((hash, i) => {
      const h = rows[i]!;
      return { hash, reason: h.reason ?? '', rule: h.rule ?? '', at: h.at ?? '' };
    });
  }
  triageCount() {
    return this.redis.zcard(this.k('triage'));
  }

  /** DSN: an address a bounce said failed (kept hashed: never an address in clear). */
  async flag(address: string): Promise<void> {
    await this.redis.sadd(this.k('flagged'), addrHash(address));
  }
  async isFlagged(address: string): Promise<boolean> {
    return (await this.redis.sismember(this.k('flagged'), addrHash(address))) === 1;
  }

  /**
   * A mail from a known seeker, for their page in the console (staff only, P5): when, subject, and
   * what was decided. Keyed by the mail's hash, so a repeated decision writes the same entry.
   */
  async recordSeekerMail(seekerId: string, m: SeekerMail): Promise<void> {
    const list = this.k('seeker-mails', seekerId);
    await this.redis
      .multi()
      .zadd(list, Date.parse(m.at), m.hash)
      .hset(`${list}:m`, m.hash, JSON.stringify(m))
      .expire(list, TTL_S)
      .expire(`${list}:m`, TTL_S)
      .exec();
  }
  async seekerMails(seekerId: string, max = 50): Promise<SeekerMail[]> {
    const list = this.k('seeker-mails', seekerId);
    const hashes = await this.redis.zrevrange(list, 0, max - 1);
    if (!hashes.length) return [];
    const rows = await this.redis.hmget(`${list}:m`, ...hashes);
    return rows.flatMap((r) => (r ? [JSON.parse(r) as SeekerMail] : []));
  }

  /** P4: the audit trail. Append-only (XADD); ids and rule names only, never personal data. */
  async audit(entry: Record<string, string>): Promise<void> {
    await this.redis.xadd(this.k('audit'), '*', ...Object.entries(entry).flat());
  }
  async auditEntries(): Promise<Array<Record<string, string>>> {
    const rows = await this.redis.xrange(this.k('audit'), '-', '+');
    return rows.map(([id, f]) => {
      const o: Record<string, string> = { id };
      for (let i = 0; i < f.length; i += 2) o[f[i]!] = f[i + 1]!;
      return o;
    });
  }

  /**
   * A yes/no decided once per mail (or alert) and step, under a cap: the first decision counts
   * against `counter` (at most `max` yes per counter window), and a retry gets the same answer.
   * With `claim`, only the first mail to claim that key (e.g. a thread) may count at all.
   * Used for the RFC 3834 reply caps and the hourly alert cap.
   */
  async cappedOnce(
    id: string,
    step: string,
    cap: { counter: string; max: number; windowS: number; claim?: string },
  ): Promise<boolean> {
    const keys = [this.k('step', id), cap.counter, ...(cap.claim ? [cap.claim] : [])];
    const res = await this.redis.eval(
      `local prior = redis.call('HGET', KEYS[1], ARGV[1])
       if prior then return prior end
       local ok = 'no'
       if #KEYS < 3 or redis.call('SET', KEYS[3], '1', 'EX', ARGV[3], 'NX') then
         local n = redis.call('INCR', KEYS[2])
         if n == 1 then redis.call('EXPIRE', KEYS[2], ARGV[4]) end
         if n <= tonumber(ARGV[2]) then ok = 'yes' end
       end
       redis.call('HSET', KEYS[1], ARGV[1], ok)
       redis.call('EXPIRE', KEYS[1], ARGV[3])
       return ok`,
      keys.length,
      ...keys,
      step,
      String(cap.max),
      String(TTL_S),
      String(cap.windowS),
    );
    return res === 'yes';
  }
}

/** An address as a short hash, for counters and flags that must not hold it in clear (P5). */
export const addrHash = (a: string) =>
  createHash('sha256').update(a.trim().toLowerCase()).digest('hex').slice(0, 16);
