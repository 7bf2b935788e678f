import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, corpusMails } from '../helpers/corpus.js';
import { appendRaw, listMailbox } from '../helpers/imap.js';
import { type InboundStack, inboundStack, waitHandled } from '../helpers/inbound.js';
import { mail } from '../helpers/mail.js';
import { runCli } from '../helpers/processes.js';

const files = corpusMails();

async function count(user: string, box: string) {
  return (await listMailbox(user, box)).length;
}

describe('real-world corpus: every mail ends in Processed or Quarantine, with a reason', () => {
  let s: InboundStack;
  beforeAll(async () => {
    s = await inboundStack('box2');
  });
  afterAll(() => s.stop());

  it(`all ${files.length} corpus mails, then a normal mail still flows`, { timeout: 240_000 }, async () => {
    const refused: string[] = [];
    let appended = 0;
    for (const f of files) {
      try {
        await appendRaw('box2', 'INBOX', readFileSync(path.join(CORPUS, f)));
        appended++;
      } catch {
        refused.push(f); // the IMAP server itself refused the bytes: never reached us
      }
    }
    const end = Date.now() + 180_000;
    while (Date.now() < end && (await count('box2', 'INBOX')) > 0)
      await new Promise((r) => setTimeout(r, 500));
    const processed = await count('box2', 'Processed');
    const quarantined = await count('box2', 'Quarantine');
    expect(await count('box2', 'INBOX')).toBe(0);
    expect(processed + quarantined).toBe(appended);
    expect(refused).toEqual([]);

    // Every distinct mail has a recorded decision with a reason (duplicates share one).
    const audit = await s.store.auditEntries();
    expect(audit.length).toBeGreaterThan(0);
    for (const e of audit) expect(e.reason, JSON.stringify(e)).toBeTruthy();
    const q = await s.store.quarantined();
    expect(q.length).toBeGreaterThanOrEqual(quarantined > 0 ? 1 : 0);
    for (const e of q) expect(e.reason).toMatch(/^[A-Z_]+$/);

    // Never an automatic reply to corpus senders that are automated or unverified (none verified).
    expect(s.sink.messages.filter((m) => m.raw.includes('Auto-Submitted: auto-replied'))).toHaveLength(0);

    // A hostile header block (135 KB To:) is quarantined with a reason; staff can see and release it.
    const hostile = q.find((e) => e.reason === 'MAIL_UNPARSEABLE');
    expect(hostile).toBeDefined();
    await s.sink.waitFor((m) => m.to.includes('ops@madoguchi.localhost')); // quarantine alert
    const list = await runCli(['quarantine', 'list', '--json'], s.env);
    expect(JSON.parse(list.out).map((e: { hash: string }) => e.hash)).toContain(hostile!.hash);
    const show = await runCli(['quarantine', 'show', hostile!.hash.slice(0, 12), '--json'], s.env);
    expect(JSON.parse(show.out)).toMatchObject({ reason: 'MAIL_UNPARSEABLE' });
    const status = await runCli(['inbox', 'status', '--json'], s.env);
    expect(JSON.parse(status.out)).toMatchObject({ watcherUp: true, quarantined: q.length });
    const rel = await runCli(['quarantine', 'release', hostile!.hash.slice(0, 12), '--actor', 'test'], s.env);
    expect(rel.code, rel.err).toBe(0);
    // Taken again, and (still hostile) quarantined again: released and re-decided, both on record.
    for (let i = 0; i < 100 && !(await s.store.done(hostile!.hash)); i++)
      await new Promise((r) => setTimeout(r, 200));
    expect(await s.store.done(hostile!.hash)).toBe('quarantine');
    const trail = (await s.store.auditEntries()).filter((e) => hostile!.hash.startsWith(e.mail!));
    expect(trail.map((e) => e.action)).toEqual(['quarantine', 'release', 'quarantine']);
    expect(await count('box2', 'Quarantine')).toBe(quarantined);

    const normal = mail({ from: 'after@example.jp', subject: '質問', text: '相談したいです。' });
    await appendRaw('box2', 'INBOX', normal);
    expect(await waitHandled('box2', /^Message-ID: (.+)$/m.exec(normal)![1]!.trim(), 10_000)).toBe(
      'Processed',
    );
  });
});
