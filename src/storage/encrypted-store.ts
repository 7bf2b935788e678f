import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MadoguchiError } from '../errors.js';

// Everything a seeker sent (raw mail, documents), content-addressed by the SHA-256 of its bytes and
// encrypted at rest (P5): file = 12-byte IV | AES-256-GCM ciphertext | 16-byte tag. Written to a
// temp file, fsynced, then renamed, so a crash leaves either nothing or the whole file; a second
// copy of the same bytes (a duplicate delivery, the same résumé twice) lands on the same name.
// Keys rotate: new files use storage.key, reading also tries storage.previousKeys.

/** What the rest of the code needs of a blob store; an S3-compatible one would offer the same. */
export interface BlobStore {
  has(hash: string): Promise<boolean>;
  put(source: Readable, maxBytes: number): Promise<{ hash: string; size: number }>;
  putBuffer(data: Buffer): Promise<string>;
  get(hash: string): Promise<Buffer>;
  delete(hash: string): Promise<void>;
  /** Every stored hash with when it was written (for garbage collection). */
  list(): Promise<Array<{ hash: string; mtimeMs: number }>>;
  /** Remove writes cut short (a crash, a killed parse thread) older than `ageMs`; returns the count. */
  removeStaleTemp(now: number, ageMs: number): Promise<number>;
}

const WHOLE_READ = 8 * 1024 * 1024;

export class EncryptedStore implements BlobStore {
  private readonly key: Buffer;
  private readonly oldKeys: Buffer[];
  constructor(
    private readonly dir: string,
    keyBase64: string,
    previousKeys: string[] = [],
  ) {
    this.key = Buffer.from(keyBase64, 'base64');
    this.oldKeys = previousKeys.map((k) => Buffer.from(k, 'base64'));
  }

  private fileFor(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new MadoguchiError('SPOOL_MISSING', 'not a content hash');
    return path.join(this.dir, hash.slice(0, 2), `${hash}.enc`);
  }

  async delete(hash: string): Promise<void> {
    await rm(this.fileFor(hash), { force: true });
  }

  async list(): Promise<Array<{ hash: string; mtimeMs: number }>> {
    const names = await readdir(this.dir, { recursive: true }).catch(() => [] as string[]);
    const out: Array<{ hash: string; mtimeMs: number }> = [];
    for (const n of names) {
      const m = /([0-9a-f]{64})\.enc$/.exec(String(n));
      if (m) out.push({ hash: m[1]!, mtimeMs: (await stat(path.join(this.dir, String(n)))).mtimeMs });
    }
    return out;
  }

  async removeStaleTemp(now: number, ageMs: number): Promise<number> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    let n = 0;
    for (const name of names.filter((x) => x.startsWith('.tmp-'))) {
      const file = path.join(this.dir, name);
      const st = await stat(file).catch(() => undefined);
      if (st && now - st.mtimeMs > ageMs) {
        await rm(file, { force: true });
        n++;
      }
    }
    return n;
  }

  async has(hash: string): Promise<boolean> {
    return stat(this.fileFor(hash)).then(
      () => true,
      () => false,
    );
  }

  /** Stream a mail in; returns its hash and size. Never holds the whole mail in memory. */
  async put(source: Readable, maxBytes: number): Promise<{ hash: string; size: number }> {
    await mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.tmp-${randomBytes(8).toString('hex')}`);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sha = createHash('sha256');
    let size = 0;
    const out = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
    out.write(iv);
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const c of chunks) {
            size += c.length;
            if (size > maxBytes) throw new MadoguchiError('MAIL_TOO_LARGE', `mail over ${maxBytes} bytes`);
            sha.update(c);
            yield cipher.update(c);
          }
          yield cipher.final();
          yield cipher.getAuthTag();
        },
        out,
      );
      const fh = await open(tmp, 'r');
      await fh.sync();
      await fh.close();
      const hash = sha.digest('hex');
      const dest = this.fileFor(hash);
      await mkdir(path.dirname(dest), { recursive: true });
      await rename(tmp, dest);
      return { hash, size };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async putBuffer(raw: Buffer): Promise<string> {
    // In 1 MB slices: one 25 MB chunk would make the cipher allocate a second 25 MB at once.
    const slices = function* () {
      for (let i = 0; i < raw.length; i += 1024 * 1024) yield raw.subarray(i, i + 1024 * 1024);
    };
    return (await this.put(Readable.from(slices()), Number.MAX_SAFE_INTEGER)).hash;
  }

  /** The raw bytes, authenticated (GCM). */
  async get(hash: string): Promise<Buffer> {
    const file = this.fileFor(hash);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      throw new MadoguchiError('SPOOL_MISSING', `no stored file ${hash.slice(0, 12)}`);
    }
    const fh = await open(file, 'r');
    try {
      const iv = Buffer.alloc(12);
      const tag = Buffer.alloc(16);
      await fh.read(iv, 0, 12, 0);
      await fh.read(tag, 0, 16, size - 16);
      // Up to 8 MB: read whole and decrypted in one call (no copy). Larger: slice by slice into
      // one buffer, so the ciphertext is never held whole beside the plaintext.
      const whole = size <= WHOLE_READ ? Buffer.allocUnsafe(size - 28) : undefined;
      if (whole) await fh.read(whole, 0, whole.length, 12);
      for (const key of [this.key, ...this.oldKeys]) {
        const d = createDecipheriv('aes-256-gcm', key, iv);
        d.setAuthTag(tag);
        try {
          // The GCM tag authenticates every byte: a changed or truncated file (or a wrong key) fails.
          if (whole) {
            const plain = d.update(whole);
            const rest = d.final(); // empty for GCM, a stream mode: no second copy
            return rest.length ? Buffer.concat([plain, rest]) : plain;
          }
          const out = Buffer.allocUnsafe(size - 28);
          const slice = Buffer.allocUnsafe(1024 * 1024);
          let pos = 12;
          let written = 0;
          while (pos < size - 16) {
            const { bytesRead } = await fh.read(slice, 0, Math.min(slice.length, size - 16 - pos), pos);
            written += d.update(slice.subarray(0, bytesRead)).copy(out, written);
            pos += bytesRead;
          }
          written += d.final().copy(out, written);
          return out.subarray(0, written);
        } catch {
          // try the next key
        }
      }
      throw new MadoguchiError(
        'SPOOL_MISSING',
        `stored file ${hash.slice(0, 12)} unreadable with any configured key`,
      );
    } finally {
      await fh.close();
    }
  }
}

/** The two stores under the data directory. */
export function stores(config: { dataDir: string; storage: { key: string; previousKeys: string[] } }) {
  const make = (sub: string) =>
    new EncryptedStore(path.join(config.dataDir, sub), config.storage.key, config.storage.previousKeys);
  return { spool: make('spool'), documents: make('documents') };
}
