import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EncryptedStore } from '../../src/storage/encrypted-store.js';

describe('encrypted store', () => {
  it('a directory removed under a running process is made again, whichever write comes next', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'store-')), 'spool');
    const s = new EncryptedStore(dir, Buffer.alloc(32, 1).toString('base64'));
    await s.putBuffer(Buffer.from('first'));
    rmSync(dir, { recursive: true }); // the directories it made are gone
    const small = await s.putBuffer(Buffer.from('second'));
    expect((await s.get(small)).toString()).toBe('second');
    rmSync(dir, { recursive: true });
    const big = await s.put(Readable.from([Buffer.alloc(3_000_000, 2)]), 10_000_000);
    expect((await s.get(big.hash)).equals(Buffer.alloc(3_000_000, 2))).toBe(true);
  });

  // Encryption and decryption go through 64 KB slices (a single update on megabytes is slow):
  // every size around a slice edge and past the whole-read limit comes back byte-equal, both ways in.
  it('round-trips sizes around the slice edges and past the whole-read limit; a changed byte fails', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'store-'));
    const key = randomBytes(32).toString('base64');
    const s = new EncryptedStore(dir, key);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    for (const n of [0, 1, 65_535, 65_536, 65_537, 3 * 65_536 + 7, 8 * 1024 * 1024 + 1]) {
      const data = randomBytes(n);
      const a = await s.putBuffer(data);
      expect(a).toBe(sha(data));
      expect((await s.get(a)).equals(data)).toBe(true);
      // Streamed in uneven chunks, the same name and bytes (content-addressed).
      const chunks = [data.subarray(0, 1000), data.subarray(1000, 200_000), data.subarray(200_000)];
      const b = await s.put(Readable.from(chunks), Number.MAX_SAFE_INTEGER);
      expect(b).toEqual({ hash: a, size: n });
      expect(
        (await new EncryptedStore(dir, randomBytes(32).toString('base64'), [key]).get(a)).equals(data),
      ).toBe(true);
    }
    const data = randomBytes(100_000);
    const h = await s.putBuffer(data);
    const file = path.join(dir, h.slice(0, 2), `${h}.enc`);
    const enc = readFileSync(file);
    enc[70_000] = (enc[70_000] ?? 0) ^ 1;
    writeFileSync(file, enc);
    await expect(s.get(h)).rejects.toMatchObject({ code: 'SPOOL_MISSING' });
  });
});
