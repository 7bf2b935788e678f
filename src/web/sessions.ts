import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface Session {
  staffId: string;
  role: 'staff' | 'admin';
  created: number;
}

/**
 * Sessions live in Redis, never in the cookie: the cookie holds a random id, Redis its hash. A
 * session ends after `idleMs` without a request (the key's TTL, renewed on use) and `maxMs` after
 * sign-in whatever happens.
 */
export class Sessions {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly idleMs: number,
    private readonly maxMs: number,
  ) {}
  private k = (id: string) => `${this.prefix}:web:session:${createHash('sha256').update(id).digest('hex')}`;

  async create(s: Omit<Session, 'created'>): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.redis.set(this.k(id), JSON.stringify({ ...s, created: Date.now() }), 'PX', this.idleMs);
    return id;
  }
  async get(id: string | undefined): Promise<Session | undefined> {
    if (!id) return undefined;
    const raw = await this.redis.get(this.k(id));
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Session;
    if (Date.now() - s.created > this.maxMs) {
      await this.redis.del(this.k(id));
      return undefined;
    }
    await this.redis.pexpire(this.k(id), this.idleMs);
    return s;
  }
  async destroy(id: string | undefined): Promise<void> {
    if (id) await this.redis.del(this.k(id));
  }
}
