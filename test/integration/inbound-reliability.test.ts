import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { PrivateDovecot } from '../../src/devstack/dovecot.js';
import { PROCESSES } from '../../src/runtime/processes.js';
import { appendAll, auditCount, batch, expectExactlyOnce } from '../helpers/burst.js';
import { type InboundStack, inboundStack } from '../helpers/inbound.js';
import { kill9, spawnService } from '../helpers/processes.js';

let stack: InboundStack | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await kill9(c);
  await stack?.stop();
  stack = undefined;
});

async function use(...args: Parameters<typeof inboundStack>): Promise<InboundStack> {
  stack = await inboundStack(...args);
  return stack;
}

describe('inbound reliability: nothing lost, nothing twice', () => {
  // expectExactlyOnce waits up to 60 s: a worker killed mid-MOVE holds its claims for ALIVE_MS.
  it('SIGKILL of the inbound worker mid-batch: another worker finishes every mail, once', {
    timeout: 90_000,
  }, async () => {
    const s = await use('box3', ['outbox', 'watcher']);
    const a = await spawnService(['inbound'], s.env);
    children.push(a);
    const mails = batch('killw', 20);
    const appending = appendAll('box3', mails);
    await auditCount(s, 3);
    await kill9(a);
    await appending;
    children.push(await spawnService(['inbound'], s.env));
    await expectExactlyOnce(s, 'box3', mails);
  });

  it('SIGKILL of the watcher between spool, enqueue and watermark: the next watcher re-takes, once', {
    timeout: 90_000,
  }, async () => {
    const s = await use('box4', ['outbox', 'inbound']);
    const a = await spawnService(['watcher'], s.env);
    children.push(a);
    const mails = batch('killwatch', 20);
    const appending = appendAll('box4', mails);
    await auditCount(s, 2);
    await kill9(a); // its lease stays until it expires: the next one waits, then takes over
    await appending;
    children.push(await spawnService(['watcher'], s.env));
    await expectExactlyOnce(s, 'box4', mails);
  });

  it('50 mails within one second', { timeout: 120_000 }, async () => {
    const s = await use('box5');
    const mails = batch('burst', 50);
    await appendAll('box5', mails, 10);
    await expectExactlyOnce(s, 'box5', mails, { timeoutMs: 90_000 });
  });

  it('two watchers on one mailbox: one holds the lease, the other takes over when it dies', async () => {
    const s = await use('box6');
    const second = await PROCESSES.watcher!(s.ctx);
    s.handles.push(second);
    const first = batch('two', 15);
    await appendAll('box6', first, 5);
    await expectExactlyOnce(s, 'box6', first);
    // Stop every watcher of the stack but the second one: it must take the mailbox over.
    const holder = await s.store.leaseHolder('INBOX');
    expect(holder).toBeTruthy();
    const firstWatcher = s.handles.find((h) => h.name === 'watcher' && h !== second)!;
    await firstWatcher.close();
    s.handles.splice(s.handles.indexOf(firstWatcher), 1);
    const more = batch('two-after', 5);
    await appendAll('box6', more);
    await expectExactlyOnce(s, 'box6', [...first, ...more]);
  });

  it('UIDVALIDITY reset: unfinished mail is taken, finished mail is not replayed', {
    timeout: 90_000,
  }, async () => {
    const s = await use('box7');
    const before = batch('uidv', 3);
    await appendAll('box7', before);
    await expectExactlyOnce(s, 'box7', before);
    const watcher = s.handles.find((h) => h.name === 'watcher')!;
    await watcher.close();
    s.handles.splice(s.handles.indexOf(watcher), 1);
    const after = batch('uidv-after', 3);
    await appendAll('box7', after);
    const conf = inject('dovecotConf');
    const dovecot = Object.assign(Object.create(PrivateDovecot.prototype), { conf }) as PrivateDovecot;
    dovecot.doveadm([
      'mailbox',
      'update',
      '-u',
      'box7',
      '--uid-validity',
      String(Math.floor(Date.now() / 1000)),
      'INBOX',
    ]);
    const wm = await s.store.watermark('INBOX');
    s.handles.push(await PROCESSES.watcher!(s.ctx));
    await expectExactlyOnce(s, 'box7', [...before, ...after]);
    expect((await s.store.watermark('INBOX'))?.uidValidity).not.toBe(wm?.uidValidity);
  });

  it('Redis wiped between batches: only unfinished mail is handled again', async () => {
    const s = await use('box8');
    const first = batch('wipe', 5);
    await appendAll('box8', first);
    await expectExactlyOnce(s, 'box8', first);
    // Everything under this deployment's prefix goes, as after a lost Redis without persistence.
    const keys = await s.ctx.redis.keys(`${s.ctx.config.connections.redisPrefix}:*`);
    await s.ctx.redis.del(...keys);
    const second = batch('wipe-after', 5);
    await appendAll('box8', second);
    await expectExactlyOnce(s, 'box8', [...first, ...second]);
  });

  it('graceful shutdown (SIGTERM) with jobs in flight: they finish, exit 0, the rest flows on', async () => {
    const s = await use('box9', ['outbox', 'watcher']);
    const a = await spawnService(['inbound'], s.env);
    children.push(a);
    const mails = batch('term', 20);
    const appending = appendAll('box9', mails);
    await auditCount(s, 2);
    const exited = new Promise<number | null>((r) => a.once('exit', (code) => r(code)));
    a.kill('SIGTERM');
    expect(await exited).toBe(0);
    await appending;
    s.handles.push(await PROCESSES.inbound!(s.ctx));
    await expectExactlyOnce(s, 'box9', mails);
  });

  it('Dovecot restarted while mail arrives: the watcher reconnects and loses nothing', {
    timeout: 120_000,
  }, async () => {
    const dovecot = new PrivateDovecot(mkdtempSync(path.join(inject('tmpRoot'), 'dovecot-restart-')), [
      'consult',
    ]);
    await dovecot.start();
    try {
      const s = await use('consult', undefined, { imapUrl: dovecot.url('consult') });
      const user = `consult@${dovecot.port}`;
      const first = batch('restart', 5);
      const second = batch('restart-after', 5);
      await appendAll(user, first);
      await dovecot.restart();
      await appendAll(user, second);
      await expectExactlyOnce(s, user, [...first, ...second], { timeoutMs: 90_000 });
    } finally {
      await stack?.stop();
      stack = undefined;
      await dovecot.stop();
    }
  });
});
