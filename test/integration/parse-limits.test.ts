import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeDocuments } from '../../src/documents/purge.js';
import { inboundDeps } from '../../src/inbound/deps.js';
import { appendRaw } from '../helpers/imap.js';
import { INBOUND_SETTINGS, type InboundStack, inboundStack, waitHandled } from '../helpers/inbound.js';
import { mail } from '../helpers/mail.js';

/**
 * A mail whose parse takes far longer than 100 ms anywhere: 20 MB of base64 text to decode and
 * spill (text, so the first parse cannot skim past it as it would a file; see skim.ts).
 */
function slowMail(messageId: string): Buffer {
  const text = '%'.repeat(20 * 1024 * 1024);
  return Buffer.from(
    mail({
      from: 'slow@example.jp',
      subject: 'scan',
      messageId,
      part: ['text/plain; charset=UTF-8; name="scan.txt"', text],
    }),
  );
}

describe('inbound.parseTimeoutMs: a parse still running is killed with its thread, not waited for', () => {
  let s: InboundStack;
  beforeAll(async () => {
    s = await inboundStack('box13', undefined, {
      settings: { inbound: { ...INBOUND_SETTINGS.inbound, parseTimeoutMs: 100, parseThreads: 1 } },
    });
  });
  afterAll(() => s.stop());

  it('the mail is quarantined as MAIL_PARSE_TIMEOUT, the next mail flows; cut-short writes are collected', {
    timeout: 90_000,
  }, async () => {
    const slowId = '<slow-parse@example.jp>';
    await appendRaw('box13', 'INBOX', slowMail(slowId));
    expect(await waitHandled('box13', slowId, 60_000)).toBe('Quarantine');
    expect((await s.store.quarantined()).map((q) => q.reason)).toEqual(['MAIL_PARSE_TIMEOUT']);

    // The one parse thread was killed; a fresh one parses the next mail.
    const next = mail({ from: 'next@example.jp', subject: 'こんにちは', text: '質問があります。' });
    const nextId = /^Message-ID: (.+)$/m.exec(next)![1]!.trim();
    await appendRaw('box13', 'INBOX', Buffer.from(next));
    expect(await waitHandled('box13', nextId)).toBe('Processed');

    // A write cut short (a thread killed mid-spill, a crash mid-spool) leaves a temp file: the
    // purge removes those a day old and leaves a write that may still be in progress.
    const spool = path.join(s.ctx.config.dataDir, 'spool');
    const stale = path.join(spool, '.tmp-cut-short');
    const fresh = path.join(spool, '.tmp-in-progress');
    writeFileSync(stale, 'x');
    writeFileSync(fresh, 'x');
    const old = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(stale, old, old);
    const deps = inboundDeps(s.ctx);
    try {
      await purgeDocuments(deps);
    } finally {
      await deps.svc.close();
    }
    expect(readdirSync(spool).filter((f) => f.startsWith('.tmp-'))).toEqual(['.tmp-in-progress']);
  });
});
