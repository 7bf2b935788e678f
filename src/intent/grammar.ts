import type { Token } from './tokenizer.js';

/**
 * How a sentence holds a word: asking for it, saying it is not so, or something else (a question,
 * a condition, a past event, a doubt). Only 'request' ever acts automatically.
 */
export type Mode = 'request' | 'negated' | 'unsure';

// A clause ends at a comma or at a conjunctive particle that turns to another thought
// (〜ですが、〜けど). The predicate of a word is what follows it up to there.
const CLAUSE_END = new Set([
  '、',
  ',',
  'が',
  'けど',
  'けれど',
  'けれども',
  'のに',
  'ものの',
  'しかし',
  'でも',
]);
// が ends a clause as "but" (相談したいのですが、), not as the subject's mark (参加が叶わない, 伺うことが
// できません: the predicate goes on).
const isClauseEnd = (t: Token) =>
  CLAUSE_END.has(t.surface) &&
  (t.pos === '記号' || t.pos === '助詞') &&
  !(t.surface === 'が' && t.sub === '格助詞');

/** The tokens after index i up to the end of i's clause. */
export function predicate(tokens: Token[], i: number): Token[] {
  const out: Token[] = [];
  for (let j = i + 1; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (isClauseEnd(t)) break;
    out.push(t);
  }
  return out;
}

// ない (not), ん of ません, ぬ/ず: the negative auxiliaries and the adjective ない of ではない.
export const negative = (t: Token) =>
  (t.lemma === 'ない' && (t.pos === '助動詞' || t.pos === '形容詞')) ||
  (t.pos === '助動詞' && ['ん', 'ぬ', 'ず'].includes(t.lemma));
// A past auxiliary, or a verb of having finished (職業訓練を修了し): an event, not a request.
const COMPLETE = new Set(['修了', '終了', '終える', '終わる', '済む', '済み', '完了']);
export const past = (t: Token) =>
  (t.pos === '助動詞' && t.lemma === 'た' && t.surface !== 'たら') || COMPLETE.has(t.lemma);
// 〜ば, 〜たら, 場合, and "depending on": 体調次第で, 状況によっては.
const conditional = (t: Token, i: number, s: Token[]) =>
  (t.pos === '助詞' && ['ば', 'たら', 'なら'].includes(t.surface)) ||
  t.surface === 'たら' ||
  ['場合', '際', 'なら', 'もし', '次第'].includes(t.lemma) ||
  // キャンセルする時は電話します (when I do), not 10時 (a counter).
  (['時', 'とき'].includes(t.surface) &&
    t.sub === '非自立' &&
    ['動詞', '助動詞'].includes(s[i - 1]?.pos ?? '')) ||
  (t.surface === 'によって' && s[i + 1]?.surface === 'は') ||
  // 履歴書がないと (if there is none): と after a negation.
  (t.surface === 'と' && t.sub === '接続助詞' && !!s[i - 1] && negative(s[i - 1]!));
// Another's words reported (キャンセルしてほしいと言っています, …と母が言っています): not the sender
// asking. The speaker may stand between と and the verb, past the clause's end (が).
const SAY = new Set(['言う', '云う', 'おっしゃる', '申す', '話す', '聞く']);
const reported = (t: Token, sentence: Token[]) => {
  if (t.surface !== 'と' || t.pos !== '助詞') return false;
  let k = sentence.indexOf(t) + 1;
  while (isNoun(sentence[k]) || ['が', 'は', 'も', 'から', '、'].includes(sentence[k]?.surface ?? '')) k++;
  return SAY.has(sentence[k]?.lemma ?? '');
};
const passive = (t: Token) => t.sub === '接尾' && ['れる', 'られる'].includes(t.lemma);
const DOUBT = new Set(['迷う', '悩む', '検討', '考える', 'しれる', '可能性', 'どうしよう', '予定', 'かしら']);
const REQUEST = new Set([
  'たい',
  'くださる',
  '下さる',
  'お願い',
  '願う',
  '希望',
  'いたす',
  '致す',
  'いただく',
  '頂く',
  '申し上げる',
  '存ずる',
  'ます',
  'ほしい', // 取り消してほしいです
  '欲しい',
]);
// Polite requests put as negative questions (〜していただけませんか): a request, not a negation.
// Read from the surface, since the analyser splits いただけ oddly (い/た/だけ).
// お願いできますか, してもよろしいでしょうか, させていただいてもよろしいでしょうか and
// させていただくことは可能でしょうか are the same politeness.
const POLITE_ASK =
  /(いただけ|頂け|もらえ|貰え|くれ)(ませんか|ません(でしょう)?か|ないでしょうか|ますでしょうか|ますか|ないか)|お願い(でき|いたせ|致せ)(ますか|ませんか|ますでしょうか|ないでしょうか)|(して|させて|させて(いただい|頂い)て)も(よろしい|いい|大丈夫)(でしょうか|ですか)|させて(いただく|頂く)ことは(可能|でき)/;

/**
 * A condition in the sentence (もし, 場合, 〜ば) or doubt in the predicate (迷う, かもしれない), a
 * passive, or reported speech.
 */
export const doubtful = (pred: Token[], sentence: Token[]) =>
  sentence.some(conditional) || pred.some((t) => DOUBT.has(t.lemma) || passive(t) || reported(t, sentence));
/** The clause asks a question (か, でしょうか, a question mark). */
export const asking = (pred: Token[], question: boolean) =>
  question ||
  pred.at(-1)?.surface === 'か' ||
  // でしょうか, and よね asking to be told so (参加できませんよね).
  /(でしょうか|よね)$/.test(pred.map((t) => t.surface).join(''));

/** The mode of a word from its predicate (the tokens after it in its clause) and its sentence. */
export function modeOf(pred: Token[], sentence: Token[], question: boolean): Mode {
  if (POLITE_ASK.test(pred.map((t) => t.surface).join(''))) return 'request';
  // かもしれません holds ません: a doubt, not a negation.
  if (pred.some((t) => t.lemma === 'しれる')) return 'unsure';
  if (pred.some(negative)) return 'negated';
  if (doubtful(pred, sentence) || asking(pred, question) || pred.some(past)) return 'unsure';
  const r = pred.findIndex((t) => REQUEST.has(t.lemma));
  return r >= 0 && !embedded(pred, r) ? 'request' : 'unsure';
}

// キャンセルしたいくらい緊張しています, キャンセルしたい気持ち, キャンセルしたいと思うほど不安です: the
// wish describes a feeling or a degree, it is not asked for. A request ends its clause; only a
// dependent noun (したいのです, したい旨), the matter (したい件: a subject line) or "と思います" may follow.
const DEGREE = new Set(['くらい', 'ぐらい', 'ほど', 'なんて', 'など']);
export const MATTER = new Set(['件', '旨']);
function embedded(pred: Token[], r: number): boolean {
  let k = r + 1;
  if (pred[k]?.surface === 'と' && ['思う', '考える'].includes(pred[k + 1]?.lemma ?? '')) k += 2;
  const t = pred[k];
  if (!t) return false;
  if (t.pos === '助詞') return DEGREE.has(t.surface);
  return t.pos === '名詞' && t.sub !== '非自立' && !MATTER.has(t.surface);
}

export const isNoun = (t: Token | undefined) => t?.pos === '名詞' || t?.pos === '接頭詞';

/** The run of nouns (a compound: 障害者雇用, 予約キャンセル) that ends at index end (inclusive). */
export function compoundBefore(tokens: Token[], end: number): Token[] {
  let s = end;
  while (s >= 0 && isNoun(tokens[s])) s--;
  return tokens.slice(s + 1, end + 1);
}
