import { mkdtempSync, rmSync } from 'node:fs';
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
});
