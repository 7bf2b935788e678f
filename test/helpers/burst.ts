import { expect } from 'vitest';
import { appendRaw, listMailbox } from './imap.js';
import type { InboundStack } from './inbound.js';
import { mail } from './mail.js';

// Mails that each earn exactly one automatic reply (a verified booking request: B8 "by phone"
// reply) from distinct senders. Nothing lost = every mail ends in Processed; nothing twice = one
// copy there, one reply per sender, one decision on record.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function batch(tag: string, n: number) {
  return Array.from({ length: n }, (_, i) => {
    const from = `${tag}-${i}@example.jp`;
    const raw = mail({ from, subject: '予約の変更', text: '日程を変更したいです。' });
    return { from, raw, id: /^Message-ID: (.+)$/m.exec(raw)![1]!.trim() };
  });
}
export type Batch = ReturnType<typeof batch>;

export async function appendAll(user: string, mails: Batch, parallel = 1) {
  for (let i = 0; i < mails.length; i += parallel)
    await Promise.all(mails.slice(i, i + parallel).map((m) => appendRaw(user, 'INBOX', m.raw)));
}

/** Until at least `min` decisions are on record. */
export async function auditCount(s: InboundStack, min: number, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if ((await s.store.auditEntries()).length >= min) return;
    await sleep(50);
  }
  throw new Error(`fewer than ${min} decisions recorded within ${timeoutMs} ms`);
}

/**
 * Every mail of `mails` in Processed once, none left in the inbox, one decision each, one reply
 * per sender. `resent` replies may arrive twice: the SMTP window (a sender killed after the
 * server's 250 and before its sent marker; README "Crashes"), only ever with the same Message-ID.
 */
export async function expectExactlyOnce(
  s: InboundStack,
  user: string,
  mails: Batch,
  opts: { timeoutMs?: number; resent?: number } = {},
) {
  const end = Date.now() + (opts.timeoutMs ?? 60_000);
  let processed: Awaited<ReturnType<typeof listMailbox>> = [];
  while (Date.now() < end) {
    processed = await listMailbox(user, 'Processed');
    const inbox = await listMailbox(user, 'INBOX');
    const replies = s.sink.messages.filter((m) => m.raw.includes('auto-replied')).length;
    if (
      inbox.length === 0 &&
      mails.every((m) => processed.some((p) => p.messageId === m.id)) &&
      replies >= mails.length
    )
      break;
    await sleep(300);
  }
  await sleep(1500); // anything sent twice would arrive now
  processed = await listMailbox(user, 'Processed');
  expect(await listMailbox(user, 'INBOX')).toEqual([]);
  let twice = 0;
  for (const m of mails) {
    expect(
      processed.filter((p) => p.messageId === m.id),
      `${m.id} in Processed`,
    ).toHaveLength(1);
    const replies = s.sink.messages.filter((x) => x.to.includes(m.from));
    expect(replies.length, `replies to ${m.from}`).toBeGreaterThanOrEqual(1);
    if (replies.length > 1) {
      twice++;
      expect(replies, `replies to ${m.from}`).toHaveLength(2);
      const ids = replies.map((r) => /^Message-ID: *(.+)$/im.exec(r.raw.toString())?.[1]);
      expect(ids[0], 'a resent reply has the same Message-ID').toBe(ids[1]);
    }
  }
  expect(twice, 'replies sent twice (SMTP window)').toBeLessThanOrEqual(opts.resent ?? 0);
  const audit = await s.store.auditEntries();
  const decisions = audit.filter((e) => e.actor === 'inbound');
  expect(new Set(decisions.map((e) => e.mail)).size).toBe(decisions.length);
  return { twice };
}
