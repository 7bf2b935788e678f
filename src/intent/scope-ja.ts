import { doubtful, isNoun, type Mode, negative, past, predicate } from './grammar.js';
import type { SentenceReading } from './japanese.js';
import { OTHERS_JA } from './people.js';
import type { Token } from './tokenizer.js';
import type { IntentWords } from './words.js';

// B12 in Japanese: whether a sentence is the sender's own case of an out-of-scope topic (new
// graduates, disabilities, vocational training), read word by word. Only a plain statement or
// request of the sender's own case refers; another's case, a line of work, history, a notice's
// wording go to staff (a wrong referral turns a seeker away).

/**
 * Where `word` lies in the sentence on token boundaries (障害者 in 精神/障害/者, never in
 * 通信/障害 + 者 of another word), as [first, last] token index.
 */
function aligned(tokens: Token[], word: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < tokens.length; i++) {
    let acc = '';
    for (let j = i; j < tokens.length && acc.length < word.length; j++) {
      acc += tokens[j]!.surface;
      if (acc === word) out.push([i, j]);
    }
  }
  return out;
}

// What an out-of-scope topic's compound may end in and still be the topic the sender asks about
// (障害者求人, 精神障害者保健福祉手帳, 職業訓練の説明会, ハロトレの溶接コース, 申し込み方法); a compound
// ending in another noun is something else (障害者雇用促進法: a law; 職業訓練の講師: a job).
const TOPIC_HEADS = [
  '求人',
  '相談',
  '仕事',
  '就職',
  '求職',
  '雇用',
  '採用',
  '制度',
  '枠',
  '手帳',
  '年金',
  '給付',
  'コース',
  '受講',
  '申し込み',
  '申込',
  '説明会',
  '窓口',
  '手続き',
  '方法',
  '内容',
  '資格',
  '期間',
  '条件',
  '日程',
  '学生',
  '高校生',
  '生徒',
];

/**
 * Whether the topic word ending at token `last` describes another noun: 障害者支援の仕事, 職業訓練の講師,
 * 障害者福祉施設, 新卒採用担当: a job in that field, not the sender's own situation (a wrong
 * referral turns a seeker away). Read over its compound and over one の.
 */
function describesAnother(tokens: Token[], last: number): boolean {
  if (!isNoun(tokens[last])) return false; // 新卒として就職活動: a particle ends the topic
  let k = last + 1;
  while (tokens[k]?.sub === '接尾') k++;
  if (tokens[k]?.surface === 'の') k++;
  let head = '';
  for (; isNoun(tokens[k]); k++) if (tokens[k]!.sub !== '非自立') head += tokens[k]!.surface;
  return head !== '' && !TOPIC_HEADS.some((h) => head.endsWith(h));
}

const CONTRAST = new Set(['が', 'けど', 'けれど', 'けれども', 'のに', 'ものの']);
/**
 * The clause after `end` turns to another thought (障害者手帳を持っていますが、一般の求人を探しています):
 * what the sender asks is in the next clause. Not the softener of a request (相談したいのですが).
 */
function turnsAway(tokens: Token[], end: number, pred: Token[]): boolean {
  const t = tokens[end + 1 + pred.length];
  if (!t || t.sub !== '接続助詞' || !CONTRAST.has(t.surface)) return false; // not が of 障害があり
  const [a, b] = [pred.at(-2)?.surface, pred.at(-1)?.surface];
  return !(['の', 'ん'].includes(a ?? '') && ['です', 'だ'].includes(b ?? ''));
}

// 新卒採用で入社し、10年勤めました: a sentence that ends in the past tells the sender's history;
// what they ask now is elsewhere (the past within a topic's own clause is read there).
const toldAsPast = (tokens: Token[]) => {
  const last = [...tokens].reverse().find((t) => ['動詞', '助動詞', '形容詞'].includes(t.pos));
  return last !== undefined && past(last);
};

// 職業訓練を受講中です, 訓練校に通っています, 通いながら, 職業訓練中でも: the sender is in it now.
const ONGOING_AFTER = new Set(['中', 'ながら']);
function ongoing(tokens: Token[], end: number, pred: Token[]): boolean {
  if (tokens[end]!.surface === '中') return true;
  const v = pred.findIndex((t) => t.pos === '動詞' || t.sub === 'サ変接続');
  const [a, b] = [pred[v + 1], pred[v + 2]];
  return v >= 0 && (ONGOING_AFTER.has(a?.surface ?? '') || (a?.surface === 'て' && b?.lemma === 'いる'));
}

// 障害者の方と一緒に働く, 障害者と関わる仕事: other people the sender would work with or serve.
const ALONGSIDE = new Set(['一緒', '共', '共に', '関わる', '接する', '働く']);
function alongside(tokens: Token[], end: number): boolean {
  let k = end + 1;
  if (tokens[k]?.surface === 'の') {
    k++;
    while (isNoun(tokens[k])) k++; // の方, の人たち
  }
  return tokens[k]?.surface === 'と' && ALONGSIDE.has(tokens[k + 1]?.lemma ?? '');
}

// 新規学卒者の方、障がいのある方は…対象外です: people of the case spoken of with respect, as a
// notice does (ours, pasted back), not the sender of themselves.
const HONORIFIC = new Set(['方', '方々', '皆様', '皆さん']);
function addressedAsOthers(tokens: Token[], end: number): boolean {
  const [a, b, c] = [tokens[end + 1], tokens[end + 2], tokens[end + 3]];
  if (a?.surface === 'の' && HONORIFIC.has(b?.surface ?? '')) return true;
  return ['の', 'が'].includes(a?.surface ?? '') && b?.lemma === 'ある' && HONORIFIC.has(c?.surface ?? '');
}

export function scopeHits(tokens: Token[], w: IntentWords['outOfScope']): SentenceReading['outOfScope'] {
  const others = tokens.some((t) => OTHERS_JA.has(t.surface));
  // …に関するご相談はオンライン相談の対象外です: the rule stated (ours, pasted back), not a case.
  // Asked ("対象外ですか") it still wants the referral.
  const text = tokens.map((t) => t.surface).join('');
  const statesRule = /対象外です(?!か)|対象ではありません(?!か)/.test(text);
  const history = toldAsPast(tokens);
  const out: SentenceReading['outOfScope'] = [];
  for (const o of w) {
    // 新卒採用の求人に既卒でも応募できますか: the sender says they are not in this case.
    const contrary = o.contrary.some((c) => aligned(tokens, c).length);
    const sure = o.keywords.flatMap((k) => aligned(tokens, k));
    // An unsure word counts only as the head of its compound: 障害 alone, not 通信障害.
    const maybe = sure.length
      ? []
      : o.unsure.flatMap((u) => aligned(tokens, u)).filter(([a]) => !isNoun(tokens[a - 1]));
    for (const [, last] of [...sure, ...maybe]) {
      let end = last;
      while (isNoun(tokens[end + 1])) end++; // the predicate follows the whole compound (障害者雇用)
      const pred = predicate(tokens, end);
      // A question about it still wants the referral; a past event or a condition does not.
      const mode: Mode = pred.some(negative)
        ? 'negated'
        : sure.length &&
            !others &&
            !history &&
            !contrary &&
            !alongside(tokens, end) &&
            !addressedAsOthers(tokens, end) &&
            !statesRule &&
            !(o.ongoing === 'triage' && ongoing(tokens, end, pred)) &&
            !pred.some(past) &&
            !doubtful(pred, tokens) &&
            !describesAnother(tokens, last) &&
            !turnsAway(tokens, end, pred)
          ? 'request'
          : 'unsure';
      out.push({ kind: o.kind, mode });
    }
  }
  return out;
}
