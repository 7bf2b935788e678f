import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingServices } from '../../src/bookings/deps.js';
import { reschedule } from '../../src/bookings/service.js';
import { listDocuments } from '../../src/documents/queue.js';
import { inboundDeps } from '../../src/inbound/deps.js';
import { createContext } from '../../src/runtime/context.js';
import { EncryptedStore } from '../../src/storage/encrypted-store.js';
import { listTriage } from '../../src/triage/queue.js';
import { appendRaw } from '../helpers/imap.js';
import {
  type InboundStack,
  inboundStack,
  openDay,
  seekerWithBooking,
  waitHandled,
} from '../helpers/inbound.js';
import { idOf, mail } from '../helpers/mail.js';
import { japanesePdf } from '../helpers/pdf.js';
import { runCli, spawnCli } from '../helpers/processes.js';
import { testConfig, testEnv, withSettings } from '../helpers/stack.js';

// Issue #12, data safety: a backup restores bookings, triage, sequences and document bytes onto
// an empty Redis and data dir; a key rotation killed midway finishes on a second run.

const PDF = japanesePdf('履歴書 01020-55556666');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('backup and restore (real stack)', { timeout: 120_000 }, () => {
  let s: InboundStack;
  beforeAll(async () => {
    s = await inboundStack('box25');
  });
  afterAll(() => s?.stop());

  it('book, documents, triage → backup → wipe both → restore: everything back, byte-equal; SEQUENCE continues', async () => {
    const { booking } = await seekerWithBooking(
      s.svc,
      'backup-seeker@example.jp',
      `${openDay(s.ctx, 7).toISODate()}T11:00`,
    );
    const docs = mail({
      from: 'backup-seeker@example.jp',
      subject: '履歴書',
      text: '履歴書を送ります。',
      files: [{ name: '履歴書.pdf', type: 'application/pdf', data: PDF }],
    });
    const question = mail({
      from: 'someone@example.jp',
      subject: '質問',
      text: '質問があります。',
      dmarc: false,
    });
    for (const raw of [docs, question]) {
      await appendRaw('box25', 'INBOX', raw);
      expect(await waitHandled('box25', idOf(raw))).toBe('Processed');
    }
    const deps = inboundDeps(s.ctx);
    const before = {
      booking: await s.svc.store.getBooking(booking.id),
      triage: (await listTriage(deps)).map((x) => x.id),
      docs: await listDocuments(deps),
    };
    expect(before.docs).toHaveLength(1);
    await deps.svc.close();

    const out = mkdtempSync(path.join(tmpdir(), 'madoguchi-backup-'));
    const b = await runCli(['backup', '--out', out, '--json'], s.env);
    expect(b.code, b.err).toBe(0);
    expect(JSON.parse(b.out)).toMatchObject({ files: expect.any(Number), redisKeys: expect.any(Number) });
    const manifest = readFileSync(path.join(out, 'manifest.json'), 'utf8');
    expect(manifest).not.toContain(s.env.MADOGUCHI_STORAGE_KEY!); // no secret in it
    expect(readFileSync(path.join(out, 'redis.jsonl')).toString()).not.toContain(
      s.env.MADOGUCHI_STORAGE_KEY!,
    );

    // A restore onto data that is still there is refused.
    expect((await runCli(['restore', out], s.env)).code).not.toBe(0);

    // Wipe both: every key under our prefix, and the data directory's stored files.
    await s.stop();
    const ctx = createContext(testConfig(s.env));
    let cursor = '0';
    do {
      const [next, keys] = await ctx.redis.scan(
        cursor,
        'MATCH',
        `${s.env.MADOGUCHI_REDIS_PREFIX}:*`,
        'COUNT',
        1000,
      );
      cursor = next;
      if (keys.length) await ctx.redis.del(...keys);
    } while (cursor !== '0');
    for (const d of ['spool', 'documents'])
      rmSync(path.join(s.env.MADOGUCHI_DATA_DIR!, d), { recursive: true, force: true });

    // A damaged backup is refused before anything is written.
    const damaged = mkdtempSync(path.join(tmpdir(), 'madoguchi-damaged-'));
    await runCli(['backup', '--out', path.join(damaged, 'x')], s.env); // empty now: a tiny backup
    writeFileSync(path.join(damaged, 'x', 'redis.jsonl'), 'tampered');
    const refused = await runCli(['restore', path.join(damaged, 'x')], s.env);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('hash differs');

    const r = await runCli(['restore', out], s.env);
    expect(r.code, JSON.stringify(r.err)).toBe(0);

    const svc = bookingServices(ctx);
    const d2 = inboundDeps(ctx);
    try {
      expect(await svc.store.getBooking(booking.id)).toEqual(before.booking);
      expect((await listTriage(d2)).map((x) => x.id)).toEqual(before.triage);
      const [doc] = await listDocuments(d2);
      expect(doc).toEqual(before.docs[0]);
      expect(sha(await d2.documents.get(doc!.sha256))).toBe(sha(PDF)); // decrypted, byte-equal
      const moved = await reschedule(svc, booking.id, `${openDay(ctx, 7).toISODate()}T11:30`, 'test');
      expect(moved.sequence).toBe(before.booking!.sequence + 1);
    } finally {
      await d2.svc.close();
      await svc.close();
      await ctx.close();
      rmSync(out, { recursive: true, force: true });
      rmSync(damaged, { recursive: true, force: true });
    }
  });
});

describe('storage rotate-key', { timeout: 120_000 }, () => {
  it('SIGKILL mid-rotation: every file still readable; a second run finishes; then only the new key opens them', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const base = testEnv({ smtpUrl: 'smtp://127.0.0.1:1' });
    const data = base.MADOGUCHI_DATA_DIR!;
    const oldStore = new EncryptedStore(path.join(data, 'documents'), oldKey);
    const blobs = new Map<string, string>();
    for (let i = 0; i < 600; i++) {
      const b = randomBytes(2048 + i);
      blobs.set(await oldStore.putBuffer(b), sha(b));
    }
    const env = withSettings({ ...base }, { storage: { previousKeys: [oldKey] } }); // new key: base's
    const child = spawnCli(['storage', 'rotate-key'], env);
    await new Promise<void>((resolve) =>
      child.stderr!.on('data', (d: Buffer) => d.toString().includes('rotated') && resolve()),
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const both = new EncryptedStore(path.join(data, 'documents'), env.MADOGUCHI_STORAGE_KEY!, [oldKey]);
    const onlyNew = new EncryptedStore(path.join(data, 'documents'), env.MADOGUCHI_STORAGE_KEY!);
    let rotated = 0;
    for (const [h, want] of blobs) {
      expect(sha(await both.get(h))).toBe(want); // nothing lost by the kill
      if (
        await onlyNew.get(h).then(
          () => true,
          () => false,
        )
      )
        rotated++;
    }
    expect(rotated).toBeGreaterThan(0);
    expect(rotated).toBeLessThan(blobs.size); // killed midway

    const done = await runCli(['storage', 'rotate-key', '--json'], env);
    expect(done.code, done.err).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({
      files: blobs.size,
      rewritten: blobs.size - rotated,
      oldKeyRemovable: true,
    });
    for (const [h, want] of blobs) expect(sha(await onlyNew.get(h))).toBe(want);
    const onlyOld = new EncryptedStore(path.join(data, 'documents'), oldKey);
    await expect(onlyOld.get([...blobs.keys()][0]!)).rejects.toThrow();
  });
});
