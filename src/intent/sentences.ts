/** NFKC, wave dashes and long-vowel variants folded: 〜～ and ー－‐ differ by mailer, not by meaning. */
export const fold = (s: string) =>
  s
    .normalize('NFKC')
    .replace(/[\u301c\uff5e\u2053]/g, '~')
    .replace(/[\u2010-\u2015\u2212\uff0d]/g, '-')
    .toLowerCase();

export interface Sentence {
  text: string;
  /** The Subject: line, read on its own: a bare noun phrase there ("予約キャンセル") asks nothing. */
  subject: boolean;
  /** It ended with a question mark. */
  question: boolean;
  japanese: boolean;
}

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;
// Japanese sentences end at 。！？ and line ends (carrier mail often has no punctuation at all);
// English ones at . ! ? followed by a space. Emoji and ♪ often end a carrier-mail sentence too.
const END = /([。．！？!?\n♪]+|\.(?=\s)|\p{Extended_Pictographic}+)/u;

/**
 * The body with its single line breaks read through: the lines of one paragraph as one text (no
 * space between Japanese, a space after anything else). A blank line still ends a sentence.
 */
export const throughLines = (body: string) =>
  body.replace(/([^\n])[ \t]*\r?\n[ \t]*(?=[^\s])/g, (_, a: string) =>
    JAPANESE.test(a) || /[、。]/.test(a) ? a : `${a} `,
  );

/**
 * The sentences of a subject and body, folded (NFKC, lower case) with the office's spelling
 * variants (config intents.variants) replaced. The subject comes first and is marked.
 */
export function sentences(subject: string, body: string, variants: Record<string, string>): Sentence[] {
  const pairs = Object.entries(variants)
    .map(([from, to]) => [fold(from), fold(to)] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const norm = (s: string) => pairs.reduce((acc, [from, to]) => acc.split(from).join(to), fold(s));
  const out: Sentence[] = [];
  const push = (text: string, isSubject: boolean, question: boolean) => {
    const t = text.trim();
    if (t) out.push({ text: t, subject: isSubject, question, japanese: JAPANESE.test(t) });
  };
  push(norm(subject), true, /[?？]\s*$/.test(subject));
  const parts = norm(body).split(END);
  for (let i = 0; i < parts.length; i += 2) push(parts[i] ?? '', false, /[?？]/.test(parts[i + 1] ?? ''));
  return out;
}
