import {
  asking,
  compoundBefore,
  doubtful,
  isNoun,
  MATTER,
  type Mode,
  modeOf,
  negative,
  past,
  predicate,
} from './grammar.js';
import { OTHERS_JA } from './people.js';
import { scopeHits } from './scope-ja.js';
import type { Sentence } from './sentences.js';
import type { Token } from './tokenizer.js';
import { namesDay } from './when.js';
import type { IntentWords } from './words.js';

export interface Hit {
  mode: Mode;
  /** Why a hit is not a request, for the triage reason (never the mail's words). */
  why?: string;
  /** Read from "not coming" (参加できません, can't attend), not from a cancellation word. */
  absence?: boolean;
  /** A request that names nothing, neither at its word nor in its sentence ("欠席します"). */
  bare?: boolean;
  /**
   * The words that name which booking, when the phrase cancelled names a day or time itself
   * (来週の相談 in "明日ではなく、来週の相談をキャンセルしてください"): they, not the sentence, say which.
   */
  when?: string;
}

export interface SentenceReading {
  cancel: Hit[];
  /** Asks for a booking or a change of one (B8). */
  change: boolean;
  /** Asks to move one (a change word: 変更, 振替, reschedule). */
  move: boolean;
  outOfScope: Array<{ kind: string; mode: Mode }>;
  /** The sentence takes up another thing than ours as its topic (説明会の予約ですが, "About the fair"). */
  aboutOther?: boolean;
}

const has = (list: string[], t: Token) => list.includes(t.lemma) || list.includes(t.surface);
// A day or time (明日, 12月5日, 10時) names the consultation as well as 予約 does.
const isTime = (t: Token) =>
  t.sub === '副詞可能' ||
  t.sub === '数' ||
  t.sub2 === '助数詞' ||
  ['本日', '今日', '明日'].includes(t.surface);
// Words that say nothing of what a phrase is (ご of ご予約, の of 〜の分, 私, その). Not a suffix:
// 会 of 相談会 makes it another thing (a counter, 10時, is a time).
const isHollow = (t: Token) => t.pos === '接頭詞' || t.sub === '非自立' || t.sub === '代名詞';
const REQUEST_NOUNS = new Set(['お願い', '願い', '希望', '依頼', '手続き', '申請']);
const CHANGE_HEADS = new Set(['変更', '振替', '振り替え', '延期']);
const BOOKING_VERBS = new Set([
  'する',
  'できる',
  '出来る',
  '可能',
  '入れる',
  '取る',
  'いただく',
  '頂く',
  'くださる',
  'たい',
  '願う',
]);

// The verbs and nouns that make a cancellation word the thing asked for: doing it (キャンセルします,
// 取り消させてください, キャンセルになります) or asking for it (キャンセルをお願いします).
const DOING = new Set([
  ...REQUEST_NOUNS,
  'する',
  'いたす',
  '致す',
  'させる',
  'せる',
  'なる',
  'いただく',
  '頂く',
  'いただける',
  '頂ける',
  'くださる',
  '下さる',
  'もらう',
  'もらえる',
  '願う',
  '申し上げる',
  '存じる',
  '存ずる',
  'おねがい',
]);
// Words between a cancellation word and its verb that leave the verb its own: particles,
// auxiliaries, adverbs (よろしく), prefixes (お, ご), symbols, days and times, dependent words
// (の of 〜たいのですが, いる of 〜ている), and a noun with a case particle of manner or place
// (メールで, 本日付けに).
const ADJUNCT_CASE = new Set(['で', 'に', 'と', 'から', 'より']);
const passesOver = (pred: Token[], k: number) => {
  const t = pred[k]!;
  if (['助詞', '助動詞', '副詞', '接頭詞', '記号'].includes(t.pos) || isTime(t) || t.sub === '非自立')
    return true;
  const next = pred[k + 1];
  return isNoun(t) && next?.pos === '助詞' && ADJUNCT_CASE.has(next.surface);
};

/**
 * The first content word of a cancellation word's predicate. A request is one only when that word
 * is the cancelling or the asking: the office's own notices read otherwise (当日のキャンセルは
 * 電話のみ受け付けます; 取り消しのお知らせをお送りしています), and a reply that quotes them without
 * a marker must not cancel.
 */
function verbOf(pred: Token[]): Token | undefined {
  for (let k = 0; k < pred.length; k++) if (!passesOver(pred, k)) return pred[k];
  return undefined;
}

/** What the cancellation word at i names as its object, if anything: 予約を / 内定(の)取り消し. */
function objectOf(tokens: Token[], i: number): Token[] {
  const prev = tokens[i - 1];
  if (isNoun(prev)) return compoundBefore(tokens, i - 1);
  if (prev?.pos === '助詞' && ['を', 'の', 'は', 'も'].includes(prev.surface))
    return compoundBefore(tokens, i - 2);
  return [];
}

/**
 * What a noun phrase names: one of ours (相談, オンライン相談, ご予約: the phrase ends with one of the
 * objects), another thing (説明会, 予約変更, 就職相談会: ours inside it is not its head), or
 * nothing but a day or a pronoun. The "X の" phrases before it must leave it ours: 明日の相談,
 * ハローワークの予約, 職業相談の予約 do; セミナーの予約, 相談会の予約, 子供の予約 are another event's
 * booking or another person's, and cancelling ours for them harms the seeker. A day or time, a
 * pronoun (私の) or a proper noun (a place, the office) says when or where, not whose.
 */
function whatPhrase(tokens: Token[], phrase: Token[], objects: string[]): 'ours' | 'other' | 'none' {
  const words = (p: Token[]) =>
    p
      .filter((t) => !isHollow(t) && !isTime(t))
      .map((t) => t.surface)
      .join('');
  const named = words(phrase);
  if (!named) return 'none';
  if (!objects.some((o) => named.endsWith(o))) return 'other';
  for (const modifier of modifiers(tokens, phrase)) {
    const m = words(modifier.filter((t) => t.sub !== '固有名詞'));
    if (m && !objects.some((o) => m.endsWith(o) || o.startsWith(m))) return 'other';
  }
  return 'ours';
}

/** The "X の" phrases before a phrase, nearest first (明日の, 10時の of 明日の10時の相談). */
function modifiers(tokens: Token[], phrase: Token[]): Token[][] {
  const out: Token[][] = [];
  let k = tokens.indexOf(phrase[0]!);
  while (tokens[k - 1]?.surface === 'の' && tokens[k - 1]!.pos === '助詞' && isNoun(tokens[k - 2])) {
    const modifier = compoundBefore(tokens, k - 2);
    // 出産のため明日の面談: ため (a dependent noun) ends a clause of reason; what is before it
    // says why, not whose.
    if (modifier.some((t) => t.sub === '非自立')) break;
    k -= modifier.length + 1;
    out.push(modifier);
  }
  return out;
}

/** A phrase of ours with its modifiers, when they name a day or time (来週の相談, 10日の予約). */
function whenOf(tokens: Token[], phrase: Token[]): string | undefined {
  const all = [...modifiers(tokens, phrase).flat(), ...phrase];
  if (!all.some(isTime)) return undefined;
  const from = Math.min(...all.map((t) => tokens.indexOf(t)));
  const words = tokens
    .slice(from, tokens.indexOf(phrase.at(-1)!) + 1)
    .map((t) => t.surface)
    .join('');
  return namesDay(words) ? words : undefined; // 今回の相談 names none: the sentence's days count
}

/** キャンセルしたいのは面接のほうです: a cleft; what is cancelled is named after のは. */
function cleftObject(tokens: Token[], i: number): Token[] {
  const pred = predicate(tokens, i);
  const k = pred.findIndex((t, j) => t.lemma === 'の' && pred[j + 1]?.surface === 'は');
  if (k < 0) return [];
  let last = -1;
  for (let j = k + 2; isNoun(pred[j]) || pred[j]?.surface === 'の'; j++)
    if (isNoun(pred[j]) && !isHollow(pred[j]!)) last = j;
  return last < 0 ? [] : compoundBefore(tokens, tokens.indexOf(pred[last]!));
}

// 就職相談で職業訓練を勧められました: a consultation named as where, how or with what something
// happened (で, から, と, より, まで) is not the thing the sentence goes on to speak of.
const SETTING = new Set(['で', 'から', 'と', 'より', 'まで']);

/**
 * Whether a text (a reply's subject) names our consultation: ご予約のご案内 does, 就職相談会のご案内
 * not. `asThing`: only where it is named as a thing (明日の相談は, 相談ですが), not as a setting.
 */
export function namesOurs(tokens: Token[], objects: string[], asThing = false): boolean {
  return tokens.some(
    (t, i) =>
      isNoun(t) &&
      !isNoun(tokens[i + 1]) &&
      !(asThing && tokens[i + 1]?.pos === '助詞' && SETTING.has(tokens[i + 1]!.surface)) &&
      whatPhrase(tokens, compoundBefore(tokens, i), objects) === 'ours',
  );
}

// …面接を受けることになったので、そちらは欠席します: "that one" points back to something the mail
// named, which may be another thing than our consultation (これ, "this", is left to the rest).
const pointsBack = (phrase: Token[]) =>
  phrase.length === 1 && phrase[0]!.sub === '代名詞' && /^[そあ]/.test(phrase[0]!.surface);

function cancelHit(tokens: Token[], i: number, s: Sentence, w: IntentWords['cancel']): Hit | undefined {
  const next = tokens[i + 1];
  // キャンセル待ち (a waiting list), キャンセル料 (a fee): another noun, not a request.
  if (next && isNoun(next) && has(w.notJoinedTo, next)) return undefined;
  if (next && isNoun(next) && !REQUEST_NOUNS.has(next.lemma)) return { mode: 'unsure', why: 'compound' };
  const object = objectOf(tokens, i);
  const phrase = object.length ? object : cleftObject(tokens, i);
  if (pointsBack(phrase)) return { mode: 'unsure', why: 'points back to something' };
  const named = whatPhrase(tokens, phrase, w.objects);
  if (named === 'other') return { mode: 'unsure', why: 'names something else' }; // 内定取り消し, 応募をキャンセル
  const ours = named === 'ours';
  // 中止します, 今回は見送らせていただきます: stops what? Only our consultation named makes it ours.
  if (!ours && has(w.needObject, tokens[i]!)) return { mode: 'unsure', why: 'names nothing of ours' };
  // A bare word (a subject "キャンセル") has no predicate, so asks nothing: unsure.
  const pred = predicate(tokens, i);
  const mode = modeOf(pred, tokens, s.question);
  if (mode === 'request') {
    const verb = verbOf(pred);
    if (verb && !DOING.has(verb.lemma)) return { mode: 'unsure', why: 'another verb' };
    const when = ours ? whenOf(tokens, phrase) : undefined;
    return {
      mode,
      ...(!ours && !w.objects.some((o) => s.text.includes(o)) ? { bare: true } : {}),
      ...(when ? { when } : {}),
    };
  }
  return { mode, why: mode === 'negated' ? 'negated' : 'not a request' };
}

// A past event, not a change of state that holds now: 参加できなかった is missed, while
// 参加できなくなりました and 必要なくなりました (なる, なくなる) say how things stand.
const CHANGE_OF_STATE = new Set(['なる', 'なくなる']);
const missed = (pred: Token[]) => pred.some(past) && !pred.some((t) => CHANGE_OF_STATE.has(t.lemma));

const CARRY = new Set(['持つ', '連れる']);
// The verbs a "not coming" is said through: 参加できません, 参加することができません, 参加できなくなりました,
// 行けそうにありません, 参加が叶いません.
const CARRIES_NEGATION = new Set(['できる', '出来る', 'する', 'なる', 'ある', '叶う', 'かなう']);
/** 参加できなくなりました: not coming, said of the consultation, is a cancellation (C1). */
function absenceHit(tokens: Token[], i: number, s: Sentence, w: IntentWords['cancel']): Hit | undefined {
  // 書類を持って行けません, 子供は連れて行けません: what the sender cannot bring, not a day missed.
  if (tokens[i - 1]?.sub === '接続助詞' && CARRY.has(tokens[i - 2]?.lemma ?? '')) return undefined;
  const pred = predicate(tokens, i);
  const neg = pred.findIndex(negative);
  if (neg < 0) return undefined;
  // 行けないということはありません, 参加できないわけではない: the negation is itself denied.
  if (pred.slice(neg + 1).some(negative)) return { mode: 'unsure', why: 'negated' };
  // 妻が明日の相談に参加できなくなりました: someone else not coming, in the verb's own clause.
  if (subjectIsOther(tokens, i)) return { mode: 'unsure', why: 'someone else' };
  // 相談に行くのをやめるつもりはありません: the negation is another verb's (やめる), not coming's.
  if (pred.slice(0, neg).some((t) => t.pos === '動詞' && t.sub === '自立' && !CARRIES_NEGATION.has(t.lemma)))
    return { mode: 'unsure', why: 'another verb' };
  // 参加できるか分かりません, 参加できるかどうか未定です: the negation is of knowing, not of coming.
  const wonders = pred.slice(0, neg).some((t) => t.surface === 'か' && t.pos === '助詞');
  if (wonders || doubtful(pred, tokens) || asking(pred, s.question))
    return { mode: 'unsure', why: 'not a request' };
  // 参加できない人, 参加できないことがあります: the negation describes a noun, not the sender.
  // (ない, ぬ before a noun; not ず of 参加できず申し訳ありません, which goes on to the apology.)
  const after = pred[neg + 1];
  if (['ない', 'ぬ'].includes(pred[neg]!.surface) && isNoun(after) && !['の', 'ん'].includes(after!.lemma))
    return { mode: 'unsure', why: 'describes a noun' };
  // 行けないと困る (if), 参加できなくても (even if), 参加できなくなる前に / なった人 (a noun past
  // なる): not coming supposed or describing something, not said of the sender now.
  const rest = pred.slice(neg + 1);
  const k = rest.findIndex((t) => t.pos !== '助動詞' && t.lemma !== 'なる');
  if (
    (rest[0]?.surface === 'と' && rest[0].sub === '接続助詞') ||
    (rest[0]?.surface === 'て' && rest[1]?.surface === 'も') ||
    (k > 0 && rest[k]!.pos === '名詞' && rest[k]!.sub !== '非自立' && !MATTER.has(rest[k]!.surface))
  )
    return { mode: 'unsure', why: 'supposed, not said' };
  // 参加できなかった, 参加できず申し訳ありませんでした: a consultation missed, not one to cancel.
  if (missed(pred)) return { mode: 'unsure', why: 'past' };
  // "I cannot come" to what? What the verb names (説明会に参加できない, 面接を受けられない) must be
  // the consultation; with nothing named there but a day (明日は), the consultation named in the
  // sentence, as before.
  const phrase = absentFrom(tokens, i);
  if (phrase && pointsBack(phrase)) return { mode: 'unsure', why: 'points back to something' };
  if (phrase && whatPhrase(tokens, phrase, w.objects) === 'other')
    return { mode: 'unsure', why: 'names something else' }; // 相談会に, 子供の面談に参加できません
  if (takesUpOther(tokens, w.objects, i)) return { mode: 'unsure', why: 'names something else' }; // 説明会ですが、…
  const when = phrase && whenOf(tokens, phrase);
  return namesOurs(tokens, w.objects, true)
    ? { mode: 'request', absence: true, ...(when ? { when } : {}) }
    : { mode: 'unsure', why: 'absence from what' };
}

/** The subject of the verb at i, in its own clause, is another person (妻が, 夫は): not the sender. */
function subjectIsOther(tokens: Token[], i: number): boolean {
  for (let k = i - 1; k >= 0; k--) {
    const t = tokens[k]!;
    if (t.pos === '記号' || t.sub === '接続助詞' || t.lemma === 'ため') return false; // 熱を出したので、
    if (OTHERS_JA.has(t.surface) && ['が', 'は'].includes(tokens[k + 1]?.surface ?? '')) return true;
  }
  return false;
}

// 私事ですが (the sender's own affairs), 表題の件ですが (the matter of the subject line, read on its
// own): no other thing taken up.
const NOT_A_TOPIC = new Set(['私事', '私用', '表題', '件名', '標記', '標題', 'タイトル']);
/**
 * What the sentence before `i` takes up as its topic: 説明会ですが, 面接の件ですが, 説明会について,
 * 説明会がありますが (a thing said to be there).
 */
function topics(tokens: Token[], i: number): Token[][] {
  const out: Token[][] = [];
  for (let k = 0; k < i; k++) {
    const [a, b] = [tokens[k + 1], tokens[k + 2]];
    const introduces =
      a?.surface === 'について' ||
      (a?.surface === 'です' && (b?.surface === 'が' || tokens[k]!.surface === '件')) ||
      (a?.surface === 'が' && a.sub === '格助詞' && b?.lemma === 'ある');
    // 勝手ですが, 恐縮ですが (an adjective's stem: a formula of apology) take up nothing.
    if (introduces && isNoun(tokens[k]) && tokens[k]!.sub !== '形容動詞語幹') {
      const p = compoundBefore(tokens, k);
      // 説明会の件: the matter is its modifier's.
      const of = p.length === 1 && p[0]!.surface === '件' && tokens[k - 1]?.surface === 'の';
      const topic = of && isNoun(tokens[k - 2]) ? compoundBefore(tokens, k - 2) : p;
      if (!topic.some((t) => NOT_A_TOPIC.has(t.surface))) out.push(topic);
    }
  }
  return out;
}

/**
 * The noun phrase the word at i names, marked by one of `particles` right before it, adverbs
 * between (相談に/説明会にはもう + 参加できない; 相談はもう + 必要ありません).
 */
function namedAt(tokens: Token[], i: number, particles: string[]): Token[] | undefined {
  let k = i - 1;
  while (tokens[k]?.pos === '副詞') k--;
  const before = k;
  while (tokens[k]?.pos === '助詞' && particles.includes(tokens[k]!.surface)) k--;
  if (k === before || !isNoun(tokens[k])) return undefined;
  return compoundBefore(tokens, k);
}
const absentFrom = (tokens: Token[], i: number) => namedAt(tokens, i, ['に', 'へ', 'は', 'も', 'を']);

/**
 * 相談は不要になりました, もう予約は必要ありません: the consultation itself, named at the word, no
 * longer needed is a cancellation (C1). Nothing of ours named there (書類は必要ありません, 何も
 * 必要ありません): not about the booking at all.
 */
function unneededHit(tokens: Token[], i: number, s: Sentence, w: IntentWords['cancel']): Hit | undefined {
  const pred = predicate(tokens, i);
  // 不要 carries its own negation (不-): 不要ではありません says the opposite; 必要, 要る need one
  // (必要なくなりました: the analyser reads なくなる as one verb).
  const negated = pred.some((t) => negative(t) || t.lemma === 'なくなる');
  if (tokens[i]!.surface.startsWith('不') ? negated : !negated) return undefined;
  const phrase = namedAt(tokens, i, ['は', 'が', 'も']);
  if (!phrase || whatPhrase(tokens, phrase, w.objects) !== 'ours') return undefined;
  if (doubtful(pred, tokens) || asking(pred, s.question)) return { mode: 'unsure', why: 'not a request' };
  if (missed(pred)) return { mode: 'unsure', why: 'past' };
  return { mode: 'request' };
}

/** 日程を変更したい / 予約できますか: a booking word followed by asking, with no other noun between. */
function asksChange(tokens: Token[], i: number, s: Sentence, words: string[]): boolean {
  const pred = predicate(tokens, i);
  let k = 0;
  while (k < pred.length && (pred[k]!.pos === '助詞' || isTime(pred[k]!) || has(words, pred[k]!))) k++;
  const rest = pred.slice(k);
  // A subject that is only the change itself (予約の変更, 日程変更) names the request; a change
  // reply ("by phone", B8) is harmless, unlike a cancellation, so the noun phrase is enough here.
  if (s.subject && rest.length === 0 && [tokens[i]!, ...pred].some((t) => CHANGE_HEADS.has(t.lemma)))
    return true;
  // The verb is the booking's own (予約したい, 予約を取りたい, 変更できますか), not another (取り消したい).
  if (!rest[0] || !(BOOKING_VERBS.has(rest[0].lemma) || REQUEST_NOUNS.has(rest[0].lemma))) return false;
  if (rest.some(negative) || doubtful(rest, tokens)) return false;
  return modeOf(rest, tokens, s.question) === 'request' || asking(rest, s.question);
}

/**
 * 説明会の予約ですが, 面接の件です: the sentence (before `i`) takes up another thing than ours as its
 * topic (a name does not: 山田ですが、…).
 */
export const takesUpOther = (tokens: Token[], objects: string[], i = tokens.length) =>
  topics(tokens, i).some(
    (p) => !p.every((t) => t.sub === '固有名詞') && whatPhrase(tokens, p, objects) === 'other',
  );

/** One Japanese sentence, read word by word. */
export function readJapanese(s: Sentence, tokens: Token[], w: IntentWords): SentenceReading {
  const cancel: Hit[] = [];
  let change = false;
  let move = false;
  const booking = [...w.bookingRequest, ...w.changeWords];
  tokens.forEach((t, i) => {
    if (t.pos !== '名詞' && t.pos !== '動詞') return;
    if (has(w.cancel.words, t)) {
      const h = cancelHit(tokens, i, s, w.cancel);
      if (h) cancel.push(h);
    } else if (has(w.cancel.absence, t)) {
      const h = absenceHit(tokens, i, s, w.cancel);
      if (h) cancel.push(h);
    } else if (has(w.cancel.unneeded, t)) {
      const h = unneededHit(tokens, i, s, w.cancel);
      if (h) cancel.push(h);
    }
    if (has(booking, t) && asksChange(tokens, i, s, booking)) {
      change = true;
      move ||= has(w.changeWords, t);
    }
  });
  return {
    cancel,
    change,
    move,
    outOfScope: scopeHits(tokens, w.outOfScope),
    aboutOther: takesUpOther(tokens, w.cancel.objects),
  };
}
