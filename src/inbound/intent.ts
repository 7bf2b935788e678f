import type { InboundPart, ParsedMail } from './parse.js';

export type Intent =
  | { kind: 'calendar-reply'; partstat: string; uid: string | undefined }
  | { kind: 'cancel' }
  | { kind: 'documents' }
  | { kind: 'booking-request' }
  | { kind: 'out-of-scope'; scope: string }
  | { kind: 'other' };

/** NFKC, wave dashes and long-vowel variants folded: 〜～ and ー－‐ differ by mailer, not by meaning. */
export const fold = (s: string) =>
  s
    .normalize('NFKC')
    .replace(/[\u301c\uff5e\u2053]/g, '~')
    .replace(/[\u2010-\u2015\u2212\uff0d]/g, '-')
    .toLowerCase();

/**
 * What the sender wrote, without what they quoted: our own invitation repeats the cancellation
 * rules (with キャンセル in them), and a "thank you" quoting it must not read as a cancellation.
 */
export function ownWords(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(>|＞)/.test(line)) continue;
    if (
      /^-{2,}\s*(original message|元のメッセージ|転送メッセージ|forwarded message)/i.test(line.trim()) ||
      /^On .+wrote:\s*$/.test(line.trim()) ||
      /(のメッセージ|wrote|書きました)[:：]\s*$/.test(line.trim()) ||
      /^(差出人|From)[:：]/.test(line.trim())
    )
      break;
    out.push(line);
  }
  return out.join('\n');
}

const CANCEL = [/キャンセル/, /取り?消/, /欠席/, /辞退/, /\bcancel/, /行けなくな/, /参加できな/];
const NOT_CANCEL = [/キャンセルしません/, /キャンセルはしない/, /\bnot cancel/, /\bdon'?t cancel/];
const BOOKING = [/予約/, /日程/, /変更/, /\breschedul/, /\bbook(ing)?\b/, /\bappointment/, /日時/];

/** A calendar REPLY (RFC 5546 §3.2.3) in any text/calendar part: the first ATTENDEE's PARTSTAT. */
export function calendarReply(
  parts: InboundPart[],
): { partstat: string; uid: string | undefined } | undefined {
  for (const p of parts) {
    if (!/^(text\/calendar|application\/ics)/i.test(p.contentType)) continue;
    const text = p.content.toString('utf8').replace(/\r?\n[ \t]/g, '');
    if (!/^METHOD:REPLY\s*$/im.test(text)) continue;
    const attendee = /^ATTENDEE[^:\r\n]*;PARTSTAT=([A-Z-]+)/im.exec(text);
    return {
      partstat: attendee?.[1]?.toUpperCase() ?? 'NEEDS-ACTION',
      uid: /^UID:(.+)$/im.exec(text)?.[1]?.trim(),
    };
  }
  return undefined;
}

/** The parts that may be documents: not a calendar part or a delivery report. */
export const documentParts = (parts: InboundPart[]) =>
  parts.filter((a) => !/^(text\/calendar|application\/ics|message\/delivery-status)/i.test(a.contentType));

/** The sender's intent, in order of precedence. `outOfScope` is config booking.outOfScope (B12). */
export function detectIntent(m: ParsedMail, outOfScope: Array<{ kind: string; keywords: string[] }>): Intent {
  const reply = calendarReply(m.attachments);
  if (reply) return { kind: 'calendar-reply', ...reply };
  // A reply's subject is ours ("Re: ご予約のご案内"): only the sender's own words count then.
  const subject = /^\s*(re|fwd?|aw|返信|転送)\s*[:：]/i.test(m.subject) ? '' : m.subject;
  const words = fold(`${subject}\n${ownWords(m.text)}`);
  if (CANCEL.some((r) => r.test(words)) && !NOT_CANCEL.some((r) => r.test(words))) return { kind: 'cancel' };
  if (documentParts(m.attachments).length > 0) return { kind: 'documents' };
  for (const s of outOfScope)
    if (s.keywords.some((k) => words.includes(fold(k)))) return { kind: 'out-of-scope', scope: s.kind };
  if (BOOKING.some((r) => r.test(words))) return { kind: 'booking-request' };
  return { kind: 'other' };
}

/** Reply in English only when the sender wrote no Japanese at all. */
export const isEnglish = (m: ParsedMail) =>
  !/[\u3040-\u30ff\u4e00-\u9fff]/.test(`${m.subject}\n${ownWords(m.text)}`);
