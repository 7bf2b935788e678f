import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Booking } from '../../src/bookings/model.js';
import { loadConfig } from '../../src/config/load.js';
import { ZONE } from '../../src/domain/time.js';
import { automatedKind } from '../../src/inbound/automated.js';
import { decide } from '../../src/inbound/decide.js';
import { detectIntent, isEnglish } from '../../src/inbound/intent.js';
import { parseMail } from '../../src/inbound/parse.js';
import { intentWords } from '../../src/intent/words.js';
import { CORPUS, corpusMails } from '../helpers/corpus.js';

// #9: an automatic decision must be precise. The real-world corpus (bounces, carrier mail, reports,
// malformed and hostile files) read as if every sender were a verified seeker with one booking
// ahead, the case where every automatic path is open: none of it is a seeker asking to cancel or
// asking about an out-of-scope topic, so none may cancel or refer. (Files that do not parse are
// quarantined by the service: corpus.test.ts.)
const cfg = loadConfig({ env: { MADOGUCHI_STORAGE_KEY: Buffer.alloc(32).toString('base64') } });
const words = intentWords(cfg);
const receivedAt = DateTime.fromISO('2026-12-07T10:00', { zone: ZONE });
const booking = {
  id: 'bk_1',
  uid: 'u',
  status: 'booked',
  start: '2026-12-10T01:00:00.000Z',
  end: '2026-12-10T01:30:00.000Z',
  history: [] as Booking['history'],
} as Booking;

describe('real-world corpus as a verified seeker’s mail: no cancellation, no referral', () => {
  it(`every corpus mail (${corpusMails().length})`, { timeout: 120_000 }, async () => {
    const acted: string[] = [];
    let read = 0;
    for (const f of corpusMails()) {
      const m = await parseMail(readFileSync(path.join(CORPUS, f)), {
        maxBytes: 40e6,
        timeoutMs: 20_000,
      }).catch(() => undefined);
      if (!m) continue;
      read++;
      const plan = decide({
        hash: 'h',
        automated: automatedKind(m, cfg.mail.loopHeader),
        verified: true,
        seekerIds: ['sk_1'],
        upcoming: [booking],
        intent: detectIntent(m, words),
        receivedAt,
        english: isEnglish(m),
      });
      if (plan.action === 'cancel' || plan.action === 'same-day-refused' || plan.reply === 'referral')
        acted.push(`${f}: ${plan.rule} ${plan.action}`);
    }
    expect(read).toBeGreaterThan(150);
    expect(acted).toEqual([]);
  });
});
