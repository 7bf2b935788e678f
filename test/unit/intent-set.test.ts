import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Booking } from '../../src/bookings/model.js';
import { loadConfig } from '../../src/config/load.js';
import { ZONE } from '../../src/domain/time.js';
import { decide } from '../../src/inbound/decide.js';
import { detectIntent } from '../../src/inbound/intent.js';
import { intentWords } from '../../src/intent/words.js';
import { intentSet, type Row, setMail } from '../helpers/intent-set.js';

// The labelled set of issue #13 (test/fixtures/intents/README.md), read as a verified seeker with
// exactly one upcoming booking would be: every automatic path is open, so every mistake shows.
const words = intentWords(
  loadConfig({ env: { MADOGUCHI_STORAGE_KEY: Buffer.alloc(32).toString('base64') } }),
);
// The booking a mail speaks of ("明日", "12月10日10時"): by default Thursday 10 December, 10:00 JST,
// the mails received the day before; a row may name another (README). A day or time a mail names
// is checked against it (when.ts).
const bookingFor = (r: Row): Booking => {
  const start = DateTime.fromISO(r.booking || '2026-12-10T10:00', { zone: ZONE });
  return {
    id: 'bk_1',
    uid: 'u',
    status: 'booked',
    start: start.toUTC().toISO()!,
    end: start.plus({ minutes: 30 }).toUTC().toISO()!,
    history: [] as Booking['history'],
  } as Booking;
};

const rows = intentSet();

/** What the service would do with the mail, as one class per automatic action. */
function actionOf(r: Row): string {
  const plan = decide({
    hash: 'h',
    automated: undefined,
    verified: true,
    seekerIds: ['sk_1'],
    upcoming: [bookingFor(r)],
    intent: detectIntent(setMail(r), words),
    receivedAt: DateTime.fromISO('2026-12-09T09:00', { zone: ZONE }),
    english: false,
  });
  if (plan.action === 'cancel') return 'cancel';
  if (plan.action === 'deliver-documents') return 'documents';
  if (plan.reply === 'referral') return `out-of-scope:${plan.reason.replace(/^out of scope: /, '')}`;
  if (plan.reply === 'by-phone') return 'change';
  expect(plan).toMatchObject({ action: 'staff-triage' });
  expect(plan.reply).toBeUndefined();
  return 'triage';
}

describe('labelled intent set (issue #13): no wrong automatic action', () => {
  const results = rows.map((r) => ({ ...r, action: actionOf(r) }));

  it('prints the confusion matrix', () => {
    const labels = [...new Set(rows.map((r) => r.label))].sort();
    const actions = [
      'cancel',
      ...labels.filter((l) => l.startsWith('out-of-scope')),
      'change',
      'documents',
      'triage',
    ];
    const w = 34;
    const lines = [
      `${'label \\ action'.padEnd(w)}${actions.map((a) => ` ${a.replace('out-of-scope:', '').slice(0, 11)}`.padStart(13)).join('')}`,
    ];
    for (const l of labels)
      lines.push(
        `${`${l} (${results.filter((r) => r.label === l).length})`.padEnd(w)}${actions
          .map((a) => String(results.filter((r) => r.label === l && r.action === a).length).padStart(13))
          .join('')}`,
      );
    console.log(`\nIntent set: ${rows.length} mails\n${lines.join('\n')}\n`);
    expect(rows.length).toBeGreaterThanOrEqual(200);
  });

  it('never cancels, refers or answers where the label says otherwise', () => {
    const wrong = results.filter((r) => r.action !== 'triage' && r.action !== r.label);
    expect(wrong.map((r) => `${r.label} → ${r.action}: ${r.subject} ${r.body}`)).toEqual([]);
  });

  it('finds at least 90 % of the true cancellations', () => {
    const cancels = results.filter((r) => r.label === 'cancel');
    const found = cancels.filter((r) => r.action === 'cancel').length;
    const missed = cancels.filter((r) => r.action !== 'cancel').map((r) => `${r.subject} ${r.body}`);
    console.log(`cancel recall: ${found}/${cancels.length}; to staff instead:\n  ${missed.join('\n  ')}`);
    expect(found / cancels.length).toBeGreaterThanOrEqual(0.9);
  });
});
