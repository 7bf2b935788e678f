import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Redis } from 'ioredis';

// Staff passwords (Argon2id, @node-rs/argon2's defaults: m=19 MiB, t=2, p=1, OWASP's minimum) and
// one-time set-password links. Only hashes are stored; a link's token is stored hashed too.
const LINK_TTL_S = 24 * 3600;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export class Accounts {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}
  private k = (...p: string[]) => [this.prefix, 'web', ...p].join(':');

  async setPassword(staffId: string, password: string): Promise<void> {
    await this.redis.set(this.k('pw', staffId), await hash(password));
  }
  /** The password's hash verifies (a missing one never does). */
  async check(staffId: string, password: string): Promise<boolean> {
    const h = await this.redis.get(this.k('pw', staffId));
    return !!h && (await verify(h, password).catch(() => false));
  }
  /** A one-time token for /set-password, valid for a day. */
  async linkToken(staffId: string): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.redis.set(this.k('link', sha(token)), staffId, 'EX', LINK_TTL_S);
    return token;
  }
  /** The staff id the token was made for, consuming it (GETDEL: used once). */
  async useToken(token: string): Promise<string | undefined> {
    return (await this.redis.getdel(this.k('link', sha(token)))) ?? undefined;
  }
  async peekToken(token: string): Promise<string | undefined> {
    return (await this.redis.get(this.k('link', sha(token)))) ?? undefined;
  }

  /** Failed sign-ins per address: locked once `max` are counted within the window. */
  async failed(email: string, windowS: number): Promise<number> {
    const key = this.k('fail', sha(email.toLowerCase()));
    const n = await this.redis.incr(key);
    if (n === 1) await this.redis.expire(key, windowS);
    return n;
  }
  async failures(email: string): Promise<number> {
    return Number((await this.redis.get(this.k('fail', sha(email.toLowerCase())))) ?? 0);
  }
  async clearFailures(email: string): Promise<void> {
    await this.redis.del(this.k('fail', sha(email.toLowerCase())));
  }
}

/** Password rule: 12 characters at least (NIST SP 800-63B favours length over composition). */
export const passwordProblem = (pw: string): string | undefined =>
  pw.length < 12 ? 'パスワードは12文字以上にしてください' : undefined;
