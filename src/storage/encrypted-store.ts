import {
  type Cipher,
  createCipheriv,
  createDecipheriv,
  createHash,
  type Decipher,
  randomBytes,
} from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { MadoguchiError } from '../errors.js';

// Everything a seeker sent (raw mail, documents), content-addressed by the SHA-256 of its bytes and
// encrypted at rest (P5): file = 12-byte IV | AES-256-GCM ciphertext | 16-byte tag. Written to a
// temp file, fsynced, then renamed, so a crash leaves either nothing or the whole file; a second
// copy of the same bytes (a duplicate delivery, the same résumé twice) lands on the same name.
// Keys rotate: new files use storage.key, reading also tries storage.previousKeys.

/** What the rest of the code needs of a blob store; an S3-compatible one would offer the same. */
export interface BlobStore {
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

// Trap: each cipher.update() returns one fresh buffer of its input's size. Over a whole mail of
// megabytes, in a busy process, that allocation (fresh pages, GC pressure) cost more than the AES:
// cipher.update was the largest item in the watcher's and the parse thread's CPU profiles under
// `PROF_DIR=DIR npm run bench -- inbound` and shrank to a fraction of it fed in SLICE pieces. In a
// quiet process (a loop of round trips over one 5 MB buffer) the two cost about the same: the
// difference depends on the heap's state, so no fixed ratio is claimed. Every update is sliced.
const SLICE = 64 * 1024;

/** `data` through `c` in SLICE pieces, each output handed to `each` in order. */
function updateSliced(c: Cipher | Decipher, data: Buffer, each: (out: Buffer) => void): void {
  for (let i = 0; i < data.length; i += SLICE) each(c.update(data.subarray(i, i + SLICE)));
}

/** All of `bufs`, however many writes it takes (a file write may be short). */
async function writeAll(fh: FileHandle, bufs: Buffer[]): Promise<void> {
  const rest = bufs.filter((b) => b.length);
  while (rest.length) {
    let { bytesWritten } = await fh.writev(rest);
    while (rest.length && bytesWritten >= rest[0]!.length) bytesWritten -= rest.shift()!.length;
    if (rest.length && bytesWritten > 0) rest[0] = rest[0]!.subarray(bytesWritten);
  }
}

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

  /** Stream a mail in; returns its hash and size. Never holds the whole mail in memory. */
  async put(source: Readable, maxBytes: number): Promise<{ hash: string; size: number }> {
    const { iv, cipher } = this.encryptor();
    const sha = createHash('sha256');
    let size = 0;
    const hash = await this.writeDurably(async (fh) => {
      // Ciphertext goes out in writes of about 1 MB, not one per (often 64 KB) source chunk.
      let batch: Buffer[] = [iv];
      let batched = iv.length;
      for await (const c of source as AsyncIterable<Buffer>) {
        size += c.length;
        if (size > maxBytes) throw new MadoguchiError('MAIL_TOO_LARGE', `mail over ${maxBytes} bytes`);
        sha.update(c);
        updateSliced(cipher, c, (enc) => {
          batch.push(enc);
          batched += enc.length;
        });
        if (batched >= 1024 * 1024) {
          await writeAll(fh, batch);
          batch = [];
          batched = 0;
        }
      }
      await writeAll(fh, [...batch, cipher.final(), cipher.getAuthTag()]);
      return sha.digest('hex');
    });
    return { hash, size };
  }

  async putBuffer(raw: Buffer): Promise<string> {
    // Over 8 MB, streamed in 1 MB slices: the ciphertext of a 25 MB mail is never held whole.
    if (raw.length > WHOLE_READ) {
      const slices = function* () {
        for (let i = 0; i < raw.length; i += 1024 * 1024) yield raw.subarray(i, i + 1024 * 1024);
      };
      return (await this.put(Readable.from(slices()), Number.MAX_SAFE_INTEGER)).hash;
    }
    const { iv, cipher } = this.encryptor();
    const parts: Buffer[] = [iv];
    updateSliced(cipher, raw, (enc) => parts.push(enc));
    parts.push(cipher.final(), cipher.getAuthTag());
    return this.writeDurably(async (fh) => {
      await writeAll(fh, parts);
      return createHash('sha256').update(raw).digest('hex');
    });
  }

  /**
   * Write a new file through `write` (which returns its content hash) to a temp file, make it
   * durable, then rename it to its content name: a crash leaves nothing or the whole file.
   */
  private async writeDurably(write: (fh: FileHandle) => Promise<string>): Promise<string> {
    const tmp = path.join(this.dir, `.tmp-${randomBytes(8).toString('hex')}`);
    const fh = await this.inDir(this.dir, () => open(tmp, 'wx', 0o600));
    try {
      const hash = await write(fh);
      await fh.datasync();
      await fh.close();
      const dest = this.fileFor(hash);
      await this.inDir(path.dirname(dest), () => rename(tmp, dest));
      return hash;
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** A fresh IV and an AES-256-GCM cipher under the current key. */
  private encryptor() {
    const iv = randomBytes(12);
    return { iv, cipher: createCipheriv('aes-256-gcm', this.key, iv) };
  }

  /**
   * `fn` creating something in `dir`. The directory is made once per process, not before every
   * write; one removed under us (ENOENT) is made again and `fn` tried once more.
   */
  private readonly made = new Set<string>();
  private async inDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
    if (!this.made.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.made.add(dir);
    }
    return fn().catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      await mkdir(dir, { recursive: true });
      return fn();
    });
  }

  /** The raw bytes, authenticated (GCM). */
  async get(hash: string): Promise<Buffer> {
    return (await this.read(hash)).data;
  }

  /**
   * Key rotation, one file: one read under an old key is written again under the current key
   * (same name, temp file + rename: a kill leaves the old file or the new one, never neither).
   * Returns whether it had to be rewritten.
   */
  async rekey(hash: string): Promise<boolean> {
    const { data, key } = await this.read(hash);
    if (key === 0) return false;
    await this.putBuffer(data);
    return true;
  }

  /** The bytes and which key opened them (0: the current one). */
  private async read(hash: string): Promise<{ data: Buffer; key: number }> {
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
      // Up to 8 MB: read whole, then decrypted slice by slice into one buffer. Larger: read slice
      // by slice too, so the ciphertext is never held whole beside the plaintext.
      const whole = size <= WHOLE_READ ? Buffer.allocUnsafe(size - 28) : undefined;
      if (whole) await fh.read(whole, 0, whole.length, 12);
      for (const [k, key] of [this.key, ...this.oldKeys].entries()) {
        const d = createDecipheriv('aes-256-gcm', key, iv);
        d.setAuthTag(tag);
        try {
          // The GCM tag authenticates every byte: a changed or truncated file (or a wrong key) fails.
          const out = Buffer.allocUnsafe(size - 28);
          let written = 0;
          const into = (plain: Buffer) => {
            written += plain.copy(out, written);
          };
          if (whole) updateSliced(d, whole, into);
          else {
            const slice = Buffer.allocUnsafe(1024 * 1024);
            for (let pos = 12; pos < size - 16; ) {
              const { bytesRead } = await fh.read(slice, 0, Math.min(slice.length, size - 16 - pos), pos);
              updateSliced(d, slice.subarray(0, bytesRead), into);
              pos += bytesRead;
            }
          }
          written += d.final().copy(out, written);
          return { data: out.subarray(0, written), key: k };
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
