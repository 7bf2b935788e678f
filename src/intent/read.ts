import { namesOurs as namesOursEn, readEnglish } from './english.js';
import type { Mode } from './grammar.js';
import {
  type Hit,
  namesOurs as namesOursJa,
  readJapanese,
  type SentenceReading,
  takesUpOther,
} from './japanese.js';
import { fold, sentences, throughLines } from './sentences.js';
import type { Tokenize } from './tokenizer.js';
import { namedWhen } from './when.js';
import { hasWord, type IntentWords, mayMatch } from './words.js';

/** What a mail asks, read sentence by sentence. */
export interface MailReading {
  /**
   * request: a plain request to cancel; negated: says it is not one; unsure: mentions one. `bare`:
   * the request names nothing ("欠席します"): what the mail is about must say it is ours. `when`:
   * the words naming which booking, when the phrase cancelled names a day itself.
   */
  cancel?: { mode: Mode; sentence?: string; why?: string; bare?: boolean; when?: string };
  /** Asks for a booking or a change (B8). */
  change: boolean;
  /** Asks to move a booking (B8). */
  move: boolean;
  /** B12: 'request' = plainly about an out-of-scope topic; 'unsure' = maybe. */
  outOfScope?: { kind: string; mode: Mode };
  /** A "sentence" too long to be one, or one past MAX_READ, held a word of interest: for staff. */
  tooLong: boolean;
  /** The sender's text asks a question besides the cancellation taken as a request: for staff. */
  asks: boolean;
}

// No person writes a sentence this long: it is a pasted log, a table or junk (a hostile mail's
// 570 KB of symbols held "disabilities"). Not read, so neither acted on nor costly to analyse.
const MAX_SENTENCE = 500;
// And no mail to the consultation desk needs more than this many sentences with the office's
// words read: past it (a flood of them), the rest is left to staff, and the analyser's time bounded.
const MAX_READ = 50;

// A mail that takes something back ("キャンセルします、と送ったのは間違いです", "please ignore my
// previous mail asking to cancel") is not itself a request, whatever sentence reads as one.
const RETRACTS =
  /間違[いえっ]|誤(り|って|送)|無視して|撤回|取り下げ|なかったことに|冗談|\b(ignore|disregard|by mistake|mistakenly|in error|retract|withdraw|just kidding|joking)\b/;

// Nor is one that also says the sender will come ("明日の相談は予定通り参加します。以前の予約は
// キャンセルしてください"): they think of another booking than the one we hold, or contradict
// themselves. Either way, staff ask.
const ATTENDS =
  /予定(通|どお)り|(参加|出席)(します|いたします|致します|させていただきます)(?![かが])|(?<!(また|改めて|次回は?|今度は?|次は)\s*)行きます(?![かが])|\b(i will (attend|join)|i'll (attend|join)|i will be there|i'll be there|see you (tomorrow|then|on))\b/;

// A question in the sender's own words, with or without a question mark (Japanese mail often ends
// 「…ですか。」): "次の予約はどうすればいいですか", "書類はこれでよろしいでしょうか", "Can I book again?".
// Not 「とか」「確か」「静か」: か after a kana ending of a predicate only.
const ASKS =
  /((ます|です|でしょう|ません|ない|たい|いい|よい|る|た|の|ん)か[なね]?$|教えて|お聞きしたい|お尋ねしたい|お伺いしたい|質問|\b(could you|can you|would you|please let me know|please tell me|i was wondering)\b)/;
// Not a question for staff: one asked only on a condition ("不足があれば教えてください", "let me
// know if you need anything"; どうすれば/どうしたら is "how", not a condition); whether the mail
// arrived, which the automatic reply answers; or to check or correct what was sent (ご確認いただけ
// ますでしょうか, 添削していただけますか), which is what the staff member receiving it does (D1).
const NOT_ASKING =
  /(?<!どう(す|し|やっ))(れば|たら)|なら|場合|届[いき]|受け取|受信|確認|添削|査収|チェック|目を通|見て(いただ|もら|くだ)|\b(if|received|arrived|got it|get it|review|check|look (at|over)|confirm)/;

const prefilters = new WeakMap<IntentWords, (sentence: string) => boolean>();

/**
 * Read the sender's own words (quoted text already removed) and the subject. Pure but for `tokenize`.
 *
 * A line break ends a sentence (carrier mail often has no punctuation), but people also break
 * lines inside one (phones, for the look of it; PC mailers hard-wrap at 70-78 columns):
 * "キャンセルしてほしいと母が / 言っています" cut there asks to cancel. So a request must hold when
 * the lines are read through as well; if it does not, staff read the mail.
 */
export function readMail(
  subject: string,
  body: string,
  w: IntentWords,
  tokenize: Tokenize,
  /** The subject of a reply (its "Re:" subject): what a request naming nothing answers. */
  repliesTo?: string,
): MailReading {
  const r = readSentences(subject, body, w, tokenize);
  let { cancel, outOfScope } = r;
  const acts = cancel?.mode === 'request' || outOfScope?.mode === 'request';
  if (acts && /\S[ \t]*\r?\n[ \t]*\S/.test(body)) {
    const through = readSentences(subject, throughLines(body), w, tokenize);
    const why = 'reads otherwise across its line breaks';
    // Held both ways: the whole sentence is the one quoted to staff and checked for the days and
    // times it names ("…cancel my consultation scheduled for / Friday").
    if (cancel?.mode === 'request')
      cancel = through.cancel?.mode === 'request' ? through.cancel : { mode: 'unsure', why };
    if (outOfScope?.mode === 'request' && through.outOfScope?.mode !== 'request')
      outOfScope = { ...outOfScope, mode: 'unsure' };
  }
  // "Re: 就職セミナーのご案内" + "欠席します": a request that names nothing answers the mail it
  // replies to, and that one was about something else (not our booking, its day or time).
  if (
    cancel?.mode === 'request' &&
    cancel.bare &&
    repliesTo !== undefined &&
    !aboutOurs(repliesTo, w, tokenize)
  )
    cancel = { mode: 'unsure', why: 'a reply about something else' };
  return { ...r, ...(cancel ? { cancel } : {}), ...(outOfScope ? { outOfScope } : {}) };
}

/** A subject that names the consultation (ご予約のご案内, "your appointment") or a day (12月10日の件). */
function aboutOurs(subject: string, w: IntentWords, tokenize: Tokenize): boolean {
  const s = fold(subject);
  const { objects } = w.cancel;
  return namesOursEn(s, objects) || namesOursJa(tokenize(s), objects) || namedWhen(s, '').dates.length > 0;
}

function readSentences(subject: string, body: string, w: IntentWords, tokenize: Tokenize): MailReading {
  const needed = prefilters.get(w) ?? mayMatch(w);
  prefilters.set(w, needed);
  const seen = new Set<string>();
  const cancel: Array<SentenceReading['cancel'][number] & { sentence: string }> = [];
  const scope: SentenceReading['outOfScope'] = [];
  let change = false;
  let move = false;
  let tooLong = false;
  let aboutOther = false;
  // Japanese sentences the analyser was not needed for: read for their topic only if a request
  // naming nothing needs to know what the mail takes up.
  const unread: string[] = [];
  const questions: string[] = [];
  for (const s of sentences(subject, body, w.variants)) {
    if (!s.subject && (s.question || ASKS.test(s.text)) && !NOT_ASKING.test(s.text)) questions.push(s.text);
    // Most sentences hold none of the office's words: the analyser is not needed for them. A
    // sentence said twice (a signature, a repeated line) says nothing new: read once.
    if (seen.has(`${s.subject}${s.text}`)) continue;
    if (s.japanese && !needed(s.text)) {
      if (s.text.length <= MAX_SENTENCE && unread.length < MAX_READ) unread.push(s.text);
      continue;
    }
    seen.add(`${s.subject}${s.text}`);
    if (s.text.length > MAX_SENTENCE || seen.size > MAX_READ) {
      tooLong ||= needed(s.text);
      continue;
    }
    const r = s.japanese ? readJapanese(s, tokenize(s.text), w) : readEnglish(s, w);
    // 相談の予約をしたいのですが、平日は行けません: "not coming" beside asking for a booking says
    // when the sender can come, not that they cancel.
    const own = (h: Hit): Hit =>
      r.change && !r.move && h.absence && h.mode === 'request' ? { mode: 'unsure', why: 'asks to book' } : h;
    cancel.push(...r.cancel.map((h) => ({ ...own(h), sentence: s.text })));
    scope.push(...r.outOfScope);
    change ||= r.change;
    move ||= r.move;
    aboutOther ||= !!r.aboutOther;
  }
  const negated = cancel.find((h) => h.mode === 'negated');
  const requests = cancel.filter((h) => h.mode === 'request');
  // The whole text is folded and searched only for a mail that asks something (most ask nothing).
  const text = requests.length ? fold(`${subject}\n${body}`) : '';
  // "Zoomに参加できません": not coming, said of the meeting tool or beside trouble joining it, is
  // more often a connection problem than an absence (config intents.cancel.trouble).
  const troubled = requests.some((h) => h.absence) && w.cancel.trouble.some((x) => hasWord(text, x));
  const asked = requests.find((h) => !(h.absence && troubled));
  const retracted = asked && (RETRACTS.test(text) || ATTENDS.test(text));
  // "説明会の欠席について。明日は欠席します", "キャンセルのお願い" + "説明会の予約ですが…": a request
  // naming nothing, in a mail that names something else to cancel or miss or takes it up, is about that.
  const elsewhere =
    asked?.bare &&
    (aboutOther ||
      cancel.some((h) => h.why === 'names something else') ||
      unread.some((u) => takesUpOther(tokenize(u), w.cancel.objects)));
  const request = retracted || elsewhere ? undefined : asked;
  const unsure = retracted
    ? { ...asked, mode: 'unsure' as const, why: 'takes something back or says it will come' }
    : elsewhere
      ? { ...asked, mode: 'unsure' as const, why: 'names something else' }
      : requests[0] && !asked
        ? { ...requests[0], mode: 'unsure' as const, why: 'may be trouble joining, not an absence' }
        : cancel.find((h) => h.mode === 'unsure');
  const c = negated ?? request ?? unsure;
  const sure = scope.find((h) => h.mode === 'request');
  const maybe = scope.find((h) => h.mode === 'unsure');
  return {
    ...(c
      ? {
          cancel: {
            mode: c.mode,
            ...(c === request
              ? {
                  sentence: c.sentence,
                  ...(c.bare ? { bare: true } : {}),
                  ...(c.when ? { when: c.when } : {}),
                }
              : {}),
            ...(c.why ? { why: c.why } : {}),
          },
        }
      : {}),
    change,
    move,
    tooLong,
    asks: questions.some((q) => q !== request?.sentence),
    ...(sure || maybe ? { outOfScope: sure ?? maybe } : {}),
  };
}
