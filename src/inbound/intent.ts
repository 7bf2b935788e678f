import { OTHERS_EN, OTHERS_JA } from '../intent/people.js';
import { readMail } from '../intent/read.js';
import { fold } from '../intent/sentences.js';
import { tokenize as analyser, type Tokenize } from '../intent/tokenizer.js';
import { type Named, namedWhen } from '../intent/when.js';
import type { IntentWords } from '../intent/words.js';
import { type CalendarReply, calendarCounter, calendarReply, isCalendar } from './calendar-reply.js';
import type { InboundPart, ParsedMail } from './parse.js';

/**
 * What a calendar reply carries besides its answer: a note (Outlook's "Edit the response before
 * sending", Google's "RSVP with note") that asks something, or files.
 */
export type ReplyNote = 'documents' | 'cancel' | 'change' | 'out-of-scope' | 'question';

export type Intent =
  | ({ kind: 'calendar-reply'; note?: ReplyNote } & CalendarReply)
  /**
   * `sentence`: the sentence taken as the request, quoted to the staff member; `named`: the days and
   * times the mail names, which must be the booking's (when.ts); `also`: what else the mail asks.
   */
  | { kind: 'cancel'; sentence: string; named: Named; also?: string }
  /** `also`: what else the mail's text asks, for staff (a question must not vanish under files). */
  | { kind: 'documents'; also?: string }
  | { kind: 'booking-request' }
  | { kind: 'out-of-scope'; scope: string }
  /** Mentions a cancellation or an out-of-scope topic without plainly asking: staff decide. */
  | { kind: 'unsure'; rule: 'C1' | 'B12' | 'D1' | 'triage'; reason: string }
  | { kind: 'other' };

/**
 * What the sender wrote, without what they quoted: our own invitation repeats the cancellation
 * rules (with キャンセル in them), and a "thank you" quoting it must not read as a cancellation.
 */
export const ownWords = (text: string): string => splitQuoted(text).own;

/**
 * A line that starts the quoted message: a separator, a header block, or an attribution line. Mail
 * clients write the last in their own words (Thunderbird "… wrote:", "…さんは書きました:", iOS
 * "2026/12/03 10:00、… <a@b>のメール:"), and Gmail in Japanese with none, just the date, the
 * sender and a colon ("2026年12月3日(木) 10:00 … <a@b>:"): a line ending in a colon that holds an
 * address and a date or time is one too.
 */
const startsQuote = (line: string) =>
  // A separator: a run of dashes or rules around a forward's or original's name, in each client's
  // and carrier's spelling ("-----Original Message-----", "-------- 転送メッセージ --------",
  // "----- 転送元 -----", "――― 元のメール ―――", "Begin forwarded message:").
  /^[-=_―─ー－＝]{2,}\s*.{0,20}(original|forward|転送|元の|オリジナル|引用)/i.test(line) ||
  /^begin forwarded message:/i.test(line) ||
  /^On .+wrote:\s*$/.test(line) ||
  /(のメッセージ|のメール|wrote|書きました)[:：]\s*$/.test(line) ||
  /^(差出人|From)[:：]/.test(line) ||
  (/[:：]\s*$/.test(line) && /\S@\S/.test(line) && /\d{1,2}:\d{2}|\d{4}\s*[/年.-]/.test(line));

/**
 * An attribution line wrapped in two (Gmail's, in plain text or made from its HTML: "…9:00
 * ハローワーク <consult@…" / "[consult@…]>:"; "On Wed, Dec 9, 2026 at 9:00 AM Hello Work <" /
 * "consult@…> wrote:"): the two halves are one; a sentence of the sender's ends in punctuation.
 */
const wrappedAttribution = (head: string, next: string) =>
  next !== '' &&
  startsQuote(`${head} ${next}`) &&
  (!startsQuote(next) || (/^On\s.*\d/.test(head) && !/[.!?。！？]$/.test(head)));

/** The sender's own lines, and the quoted ones ("> " lines, and all from a reply header on). */
export function splitQuoted(text: string): { own: string; quoted: string } {
  const own: string[] = [];
  const quoted: string[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const head = line.trim();
    if (startsQuote(head) || wrappedAttribution(head, lines[i + 1]?.trim() ?? '')) {
      quoted.push(...lines.slice(i));
      break;
    }
    (/^\s*(>|＞)/.test(line) ? quoted : own).push(line);
  }
  return { own: own.join('\n'), quoted: quoted.join('\n') };
}

// A picture shown inside a mail under this size is decoration: a carrier Deco-mail's emoji GIFs
// (docomo, au: a few hundred bytes each), a signature's logo (Outlook's image001.png). Counted as
// documents, a seeker's "よろしくお願いします" got "書類を受け付けました" with the GIF refused. A
// photo of a résumé taken with a phone, inline or not, is hundreds of KB and stays a document.
const DECORATION_MAX_BYTES = 32 * 1024;
const isDecoration = (a: InboundPart) =>
  a.inline && /^image\//i.test(a.contentType) && a.size < DECORATION_MAX_BYTES;

// What a mail client adds by itself, never a seeker's document: the signature of a signed mail
// (Outlook's smime.p7s, RFC 8551; signature.asc, RFC 3156), a public key, a contact card some
// phones attach. Counted as documents, a signed "ありがとうございました" was "received documents"
// and its signature forwarded to staff as one.
const CLIENT_PART =
  /^(application\/(x-)?pkcs7-signature|application\/pgp-(signature|keys)|text\/(x-)?vcard|text\/directory)\b/i;
// The same under a generic type (application/octet-stream), by the names clients give them.
const CLIENT_NAME = /^(smime\.p7s|signature\.asc)$|\.vcf$/i;
const isClientPart = (a: InboundPart) => CLIENT_PART.test(a.contentType) || CLIENT_NAME.test(a.filename);

/** The parts that may be documents: not a calendar part, a delivery report, a decoration or a signature. */
export const documentParts = (parts: InboundPart[]) =>
  parts.filter(
    (a) =>
      !isCalendar(a) &&
      !/^message\/(global-)?delivery-status/i.test(a.contentType) &&
      !isDecoration(a) &&
      !isClientPart(a),
  );

/**
 * The sender's intent, in order of precedence. Only a plain request acts (precision first: a wrong
 * cancellation or referral harms a seeker); a mention that is not one is 'unsure', for staff.
 */
export function detectIntent(m: ParsedMail, words: IntentWords, tokenize: Tokenize = analyser): Intent {
  const reply = calendarReply(m.attachments, m.from);
  if (reply) {
    const note = replyNote(m, words, tokenize);
    return { kind: 'calendar-reply', ...reply, ...(note ? { note } : {}) };
  }
  if (calendarCounter(m.attachments)) return { kind: 'booking-request' };
  // A reply's subject is ours ("Re: ご予約のご案内"): only the sender's own words count then.
  // Clients write the prefix in their own ways: RE:, Re[2]:, Re^2:, full-width ＲＥ：, AW:, SV:.
  const replied = /^\s*((re|fwd?|aw|sv|vs)(\[\d+\]|\^\d+)?|返信|転送)\s*:/.test(fold(m.subject));
  const subject = replied ? '' : m.subject;
  const own = ownWords(m.text);
  const r = readMail(subject, own, words, tokenize, replied ? m.subject : undefined);
  if (r.cancel?.mode === 'request') {
    // Cancel and move in one mail is a change, and changes are by phone (B8): nothing is cancelled.
    if (r.move) return { kind: 'booking-request' };
    const sentence = r.cancel.sentence ?? '';
    // Files on a cancellation are delivered to nobody (their booking is going): staff see them.
    const files = documentParts(m.attachments).length > 0 ? 'files attached' : undefined;
    const asked = alsoAsked(r, textIntent({ ...r, cancel: undefined }));
    const also = [asked, files].filter(Boolean).join('; ') || undefined;
    return {
      kind: 'cancel',
      sentence,
      named: namedWhen(`${subject}\n${own}`, r.cancel.when ?? sentence),
      ...(also ? { also } : {}),
    };
  }
  const text = textIntent(r);
  if (documentParts(m.attachments).length > 0) {
    const words = fold(`${subject}\n${own}`);
    if (DISCARD.test(words))
      return { kind: 'unsure', rule: 'D1', reason: 'files said to be sent by mistake' };
    if (SOMEONE_ELSES.test(words))
      return { kind: 'unsure', rule: 'D1', reason: 'files said to be another person’s' };
    const also = alsoAsked(r, text);
    return { kind: 'documents', ...(also ? { also } : {}) };
  }
  return text;
}

// Files the sender takes back ("添付ファイルは誤送信です。削除してください", "I attached the wrong
// file") or says are another person's (妻の履歴書, "my son's resume") are not forwarded (P5: only
// the seeker's own documents go to their staff member); staff read the mail.
const DISCARD =
  /誤送信|削除して|破棄して|見ないで|間違え(て|た)|別のファイル|\b(wrong (file|attachment|document)|by mistake|in error|(delete|disregard|ignore) (it|this|them|the (file|attachment)s?))\b/;
const SOMEONE_ELSES = new RegExp(
  `(${[...OTHERS_JA].join('|')})の(履歴書|職務経歴書|書類|ファイル|応募書類)|\\b(${OTHERS_EN.join('|')})'s (resume|cv|documents?|files?)\\b`,
);

/**
 * What else a mail acted on (files delivered, a booking cancelled) asks, for staff: the action's
 * own message to them holds no text, so "キャンセルします。次の予約はどうすればいいですか" must not
 * lose its question, nor "また来月予約したいです" its booking request (B8, by phone).
 */
function alsoAsked(r: ReturnType<typeof readMail>, text: Intent): string | undefined {
  if (text.kind === 'unsure') return text.reason;
  return alsoAsks[text.kind] ?? (r.asks ? 'a question' : undefined);
}

/** What the text asks when it is not a plain cancellation (a mail without files acts on it). */
function textIntent(r: ReturnType<typeof readMail>): Intent {
  if (r.cancel?.mode === 'unsure')
    return {
      kind: 'unsure',
      rule: 'C1',
      reason: `possible cancellation, not a plain request (${r.cancel.why})`,
    };
  if (r.outOfScope?.mode === 'request') return { kind: 'out-of-scope', scope: r.outOfScope.kind };
  if (r.outOfScope?.mode === 'unsure')
    return { kind: 'unsure', rule: 'B12', reason: `possibly out of scope: ${r.outOfScope.kind}` };
  if (r.change) return { kind: 'booking-request' };
  if (r.tooLong)
    return {
      kind: 'unsure',
      rule: 'triage',
      reason: 'too long to read (sentences over 500 characters or over 50 of them)',
    };
  return { kind: 'other' };
}

const alsoAsks: Partial<Record<Intent['kind'], string>> = {
  'out-of-scope': 'out of scope (B12)',
  'booking-request': 'booking or change request (B8)',
};

/**
 * A calendar reply's note, read as a mail is (only a plain request counts: clients write their own
 * text around it, "… has accepted this invitation"), or its files. The subject is the client's.
 */
function replyNote(m: ParsedMail, words: IntentWords, tokenize: Tokenize): ReplyNote | undefined {
  if (documentParts(m.attachments).length > 0) return 'documents';
  const r = readMail('', ownWords(m.text), words, tokenize);
  if (r.cancel?.mode === 'request') return 'cancel';
  if (r.change) return 'change';
  if (r.outOfScope?.mode === 'request') return 'out-of-scope';
  return r.asks ? 'question' : undefined;
}

/** Reply in English only when the sender wrote no Japanese at all. */
export const isEnglish = (m: ParsedMail) =>
  !/[\u3040-\u30ff\u4e00-\u9fff]/.test(`${m.subject}\n${ownWords(m.text)}`);
