import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRaw } from '../helpers/imap.js';
import { INBOUND_SETTINGS, inboundStack, waitHandled } from '../helpers/inbound.js';
import { mail } from '../helpers/mail.js';
import { runCli } from '../helpers/processes.js';

describe('quarantine release', () => {
  it('an APPEND the server refuses releases nothing: mail and record stay quarantined; a retry releases', {
    timeout: 90_000,
  }, async () => {
    const s = await inboundStack('box15');
    try {
      // A header block over 64 KB: built to hurt parsers, quarantined as unparseable.
      const raw = mail({
        from: 'hostile@example.jp',
        subject: 'x',
        text: 'y',
        headers: { 'X-Padding': 'a'.repeat(70_000) },
      });
      await appendRaw('box15', 'INBOX', Buffer.from(raw));
      expect(await waitHandled('box15', /^Message-ID: (.+)$/m.exec(raw)![1]!.trim())).toBe('Quarantine');
      const [q] = await s.store.quarantined();
      expect(q?.reason).toBe('MAIL_UNPARSEABLE');

      // The same office with a watched mailbox the server does not have: the APPEND is refused.
      const file = path.join(s.env.MADOGUCHI_DATA_DIR!, 'nowhere.json');
      writeFileSync(file, JSON.stringify({ inbound: { ...INBOUND_SETTINGS.inbound, mailbox: 'Nowhere' } }));
      const refused = await runCli(['quarantine', 'release', q!.hash.slice(0, 12), '--actor', 'test'], {
        ...s.env,
        MADOGUCHI_CONFIG: file,
      });
      expect(refused.code).not.toBe(0);
      expect((await s.store.quarantined()).map((e) => e.hash)).toEqual([q!.hash]);
      expect(await s.store.done(q!.hash)).toBe('quarantine');

      const ok = await runCli(['quarantine', 'release', q!.hash.slice(0, 12), '--actor', 'test'], s.env);
      expect(ok.code, ok.err).toBe(0);
      const trail = async () =>
        (await s.store.auditEntries()).filter((e) => q!.hash.startsWith(e.mail!)).map((e) => e.action);
      for (let i = 0; i < 100 && (await trail()).length < 3; i++)
        await new Promise((r) => setTimeout(r, 200));
      expect(await trail()).toEqual(['quarantine', 'release', 'quarantine']);
    } finally {
      await s.stop();
    }
  });
});
