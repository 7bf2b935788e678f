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
    const ids = await this.redis.zrange(this.k('staff', staffId), '0', '-1');
    if (!ids.length) return [];
    const rows = await this.redis.mget(ids.map((id) => this.k(id))); // one round trip, not one per document
    return rows.flatMap((v) => (v ? [JSON.parse(v) as DocumentRecord] : []));
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
  /** Drops the record; true when no other record still uses its blob (the caller deletes it). */
  async remove(d: DocumentRecord): Promise<boolean> {
    await this.redis
      .multi()
      .del(this.k(d.id))
      .zrem(this.k('staff', d.staffId), d.id)
      .zrem(this.k('purge'), d.id)
      .srem(this.k('blob', d.sha256), d.id)
      .exec();
    return (await this.redis.scard(this.k('blob', d.sha256))) === 0;
  }
}
