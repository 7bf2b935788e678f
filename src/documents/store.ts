import type { Redis } from 'ioredis';
import { exec } from '../adapters/redis.js';

/** One accepted document. No personal data beyond ids: the name is the seeker's file name. */
export interface DocumentRecord {
  id: string;
  /** The mail it came in (hash prefix), for the audit trail. */
  mail: string;
  sha256: string;
  filename: string;
  originalName: string;
  contentType: string;
  kind: string;
  /** From the PDF text: 履歴書, 職務経歴書, 送付状 or other. */
  docKind: string;
  pages?: number;
  /** PDF text extraction: ok, encrypted, broken, timeout… (encrypted/broken are flagged to staff). */
  pdf?: string;
  /** A job-seeker number in the text that matches (true) or does not match (false) the booking's. */
  seekerNumberMatches?: boolean;
  size: number;
  staffId: string;
  bookingId: string;
  seekerId: string;
  status: 'new' | 'reviewed';
  createdAt: string;
  purgeAfter: string;
}

/** What is left of a document deleted for retention (P4): no name, no content, when it went. */
export type PurgedDocument = Pick<
  DocumentRecord,
  'id' | 'mail' | 'kind' | 'docKind' | 'staffId' | 'bookingId' | 'seekerId' | 'createdAt' | 'purgeAfter'
> & { deletedAt: string };

/** A file of a mail the checks refused, with the reason the seeker was given (code). */
export interface RefusedFile {
  mail: string;
  filename: string;
  reason: string;
}

// A deletion is shown for this long after it happened, then forgotten too.
const PURGED_SHOWN_MS = 90 * 86_400_000;

/** Document records in Redis: by id, a queue per staff member, blob references, a purge schedule. */
export class DocumentStore {
  constructor(
    readonly redis: Redis,
    private readonly prefix: string,
  ) {}
  private k = (...p: string[]) => [this.prefix, 'doc', ...p].join(':');

  /**
   * Idempotent: a retry writes the same record once. The indexes are written every time (they are
   * idempotent too): written only when the record was new, a crash between the two steps left a
   * record no staff queue listed and no purge (P4) would ever delete.
   */
  async put(d: DocumentRecord): Promise<boolean> {
    const created = (await this.redis.set(this.k(d.id), JSON.stringify(d), 'NX')) === 'OK';
    await exec(
      this.redis
        .multi()
        .zadd(this.k('staff', d.staffId), Date.parse(d.createdAt), d.id)
        .sadd(this.k('blob', d.sha256), d.id)
        .zadd(this.k('purge'), Date.parse(d.purgeAfter), d.id),
    );
    return created;
  }
  async get(id: string): Promise<DocumentRecord | undefined> {
    const v = await this.redis.get(this.k(id));
    return v ? (JSON.parse(v) as DocumentRecord) : undefined;
  }
  async forStaff(staffId: string): Promise<DocumentRecord[]> {
    return this.records(await this.redis.zrange(this.k('staff', staffId), '0', '-1'));
  }
  /** Every stored document (all are in the purge schedule). */
  async all(): Promise<DocumentRecord[]> {
    return this.records(await this.redis.zrange(this.k('purge'), '0', '-1'));
  }
  private async records(ids: string[]): Promise<DocumentRecord[]> {
    if (!ids.length) return [];
    const rows = await this.redis.mget(ids.map((id) => this.k(id))); // one round trip, not one per document
    return rows.flatMap((v) => (v ? [JSON.parse(v) as DocumentRecord] : []));
  }
  /** Documents deleted for retention in the last PURGED_SHOWN_MS, newest first. */
  async purged(now = Date.now()): Promise<PurgedDocument[]> {
    const old = await this.redis.zrangebyscore(this.k('gone'), '-inf', String(now - PURGED_SHOWN_MS));
    if (old.length)
      await this.redis
        .multi()
        .hdel(this.k('gone', 'm'), ...old)
        .zrem(this.k('gone'), ...old)
        .exec();
    const ids = await this.redis.zrevrange(this.k('gone'), 0, -1);
    if (!ids.length) return [];
    const rows = await this.redis.hmget(this.k('gone', 'm'), ...ids);
    return rows.flatMap((v) => (v ? [JSON.parse(v) as PurgedDocument] : []));
  }

  /** The refused files of one mail for a booking, kept as long as its documents would be. */
  async putRefused(bookingId: string, mail: string, files: RefusedFile[], until: string): Promise<void> {
    const key = this.k('refused', bookingId);
    await this.redis
      .multi()
      .hset(key, mail, JSON.stringify(files))
      .pexpireat(key, Math.max(Date.parse(until), Date.now() + 86_400_000))
      .exec();
  }
  async refusedFor(bookingId: string): Promise<RefusedFile[]> {
    const rows = await this.redis.hvals(this.k('refused', bookingId));
    return rows.flatMap((v) => JSON.parse(v) as RefusedFile[]);
  }
  async setStatus(id: string, status: DocumentRecord['status']): Promise<DocumentRecord | undefined> {
    const d = await this.get(id);
    if (!d) return undefined;
    const next = { ...d, status };
    await this.redis.set(this.k(id), JSON.stringify(next));
    return next;
  }
  async due(now: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.k('purge'), '-inf', String(now));
  }
  async referenced(sha256: string): Promise<boolean> {
    return (await this.redis.scard(this.k('blob', sha256))) > 0;
  }
  /**
   * Drops the record, leaving a note without the file's name that it was deleted (shown for a
   * while); true when no other record still uses its blob (the caller deletes it).
   */
  async remove(d: DocumentRecord, deletedAt = new Date()): Promise<boolean> {
    const { id, mail, kind, docKind, staffId, bookingId, seekerId, createdAt, purgeAfter } = d;
    const note: PurgedDocument = {
      ...{ id, mail, kind, docKind, staffId, bookingId, seekerId, createdAt, purgeAfter },
      deletedAt: deletedAt.toISOString(),
    };
    await this.redis
      .multi()
      .hset(this.k('gone', 'm'), id, JSON.stringify(note))
      .zadd(this.k('gone'), deletedAt.getTime(), id)
      .del(this.k(d.id))
      .zrem(this.k('staff', d.staffId), d.id)
      .zrem(this.k('purge'), d.id)
      .srem(this.k('blob', d.sha256), d.id)
      .exec();
    return (await this.redis.scard(this.k('blob', d.sha256))) === 0;
  }
}
