import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAll, auditCount, batch, expectExactlyOnce } from '../helpers/burst.js';
import { type InboundStack, inboundStack } from '../helpers/inbound.js';
import { kill9, spawnService } from '../helpers/processes.js';

// Scale out on Redis (BullMQ's model, docs/operations.md "Several machines"): two processes of each
// kind, each a separate OS process sharing only Redis, IMAP, SMTP and the data dir.

let stack: InboundStack | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await kill9(c);
  await stack?.stop();
  stack = undefined;
});

describe('several processes of each kind', () => {
  it('300-mail burst, two watchers, two inbound workers, two outboxes; one of each SIGKILLed mid-burst: every mail once', {
    timeout: 180_000,
  }, async () => {
    const s = await inboundStack('box27', []);
    stack = s;
    const spawnPair = async (kind: string) => {
      const pair = [await spawnService([kind], s.env), await spawnService([kind], s.env)];
      children.push(...pair);
      return pair;
    };
    const watchers = await spawnPair('watcher');
    const inbound = await spawnPair('inbound');
    const outboxes = await spawnPair('outbox');

    const mails = batch('scale', 300);
    const appending = appendAll('box27', mails, 10);
    await auditCount(s, 60, 120_000);
    // The watcher holding the mailbox lease (its owner names its pid): the other must take over.
    const holder = await s.store.leaseHolder('INBOX');
    const active = watchers.find((w) => holder?.includes(`:${w.pid}:`));
    expect(active, `lease holder ${holder}`).toBeDefined();
    const victims = [active!, inbound[0]!, outboxes[0]!];
    const decidedAtKill = (await s.store.auditEntries()).length;
    await Promise.all(victims.map((c) => kill9(c)));
    await appending;

    // A killed outbox may have had a reply accepted by SMTP before its sent marker: the SMTP window.
    const { twice } = await expectExactlyOnce(s, 'box27', mails, { timeoutMs: 150_000, resent: 4 });
    for (const c of children.filter((c) => !victims.includes(c)))
      expect(c.exitCode, 'the survivors never exited').toBeNull();
    console.info(
      `scale: ${mails.length} mails, 3 of 6 processes killed after ${decidedAtKill} decisions, replies sent twice: ${twice}`,
    );
  });
});
