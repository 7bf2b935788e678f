import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff } from '../../src/bookings/staff.js';
import { appendRaw } from '../helpers/imap.js';
import { type InboundStack, inboundStack, waitHandled } from '../helpers/inbound.js';
import { mail } from '../helpers/mail.js';
import { runCli } from '../helpers/processes.js';

// Issue #11, first part: the triage queue as items with a state, through the CLI (the console's
// pages will call the same functions in src/triage/queue.ts).
const idOf = (raw: string) => /^Message-ID: (.+)$/m.exec(raw)![1]!.trim();

describe('triage queue: list, show, assign, done (CLI, real stack)', () => {
  let s: InboundStack;
  beforeAll(async () => {
    s = await inboundStack('box20');
    await addStaff(s.svc.store, {
      name: '窓口 花子',
      email: 'desk@madoguchi.localhost',
      zoomId: '12345678901',
      zoomPasscode: 'p',
    });
  });
  afterAll(() => s.stop());

  const cli = async (...args: string[]) => {
    const r = await runCli([...args, '--json'], s.env);
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out);
  };

  it('a mail from a sender not on file is an open item; staff assign it, read it, and close it', async () => {
    const raw = mail({
      from: 'stranger@example.jp',
      subject: '求人について',
      text: 'オンライン相談は初めてです。',
    });
    await appendRaw('box20', 'INBOX', raw);
    expect(await waitHandled('box20', idOf(raw))).toBe('Processed');
    const open = await cli('triage', 'list', '--state', 'open');
    expect(open).toEqual([
      expect.objectContaining({ state: 'open', rule: 'triage', reason: 'no automatic action' }),
    ]);
    const id = open[0].id as string;

    const shown = await cli('triage', 'show', id);
    expect(shown.mail).toMatchObject({ from: 'stranger@example.jp', subject: '求人について' });
    expect(shown.mail.text).toContain('オンライン相談は初めてです');

    await cli('triage', 'assign', id, '--to', 'desk@madoguchi.localhost', '--actor', 'staff:lead');
    expect(await cli('triage', 'list', '--mine', 'desk@madoguchi.localhost')).toEqual([
      expect.objectContaining({ id, state: 'assigned' }),
    ]);
    await cli('triage', 'done', id, '--note', '電話で回答済み', '--actor', 'staff:desk');
    expect(await cli('triage', 'list', '--state', 'done')).toEqual([
      expect.objectContaining({ id, state: 'done', note: '電話で回答済み' }),
    ]);
    expect(await cli('triage', 'list', '--state', 'open')).toEqual([]);

    const audit = (await s.store.auditEntries()).filter((e) => e.action?.startsWith('triage-'));
    expect(audit.map((e) => [e.action, e.mail, e.actor])).toEqual([
      ['triage-assign', id, 'staff:lead'],
      ['triage-done', id, 'staff:desk'],
    ]);
    expect(JSON.stringify(audit)).not.toContain('電話で回答済み'); // the note may name people: not in the audit
    const bad = await runCli(['triage', 'done', id, '--note', 'a\nb'], s.env);
    expect(bad.code).not.toBe(0);
    expect((await runCli(['triage', 'show', 'ffff'], s.env)).code).not.toBe(0);
  });
});
