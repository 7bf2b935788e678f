import { createRequire } from 'node:module';

/** One morpheme as the analyser (Lindera, IPADIC) reads it. */
export interface Token {
  surface: string;
  /** Dictionary form (取り消し → 取り消す); the surface when the dictionary has none. */
  lemma: string;
  /** IPADIC part of speech and its first subcategory: 名詞/サ変接続, 助動詞/*, 動詞/非自立 … */
  pos: string;
  sub: string;
  /** Its second subcategory: 助数詞 (a counter: 10時, 5日) against 一般 (相談会, 説明会). */
  sub2: string;
}

export type Tokenize = (text: string) => Token[];

interface LinderaToken {
  surface: string;
  baseForm: string;
  partOfSpeech: string;
  partOfSpeechSubcategory1: string;
  partOfSpeechSubcategory2?: string;
}
interface Lindera {
  TokenizerBuilder: new () => {
    setDictionary(uri: string): void;
    setMode(mode: string): void;
    build(): { tokenize(text: string): LinderaToken[] };
  };
}

let tokenizer: { tokenize(text: string): LinderaToken[] } | undefined;

/**
 * The morphological analyser, loaded once per process on first use (its IPADIC is embedded in
 * the WASM module; loading takes a few hundred ms, so callers first check cheaply whether a mail
 * holds any word of interest at all: see `mayMatch`).
 */
export const tokenize: Tokenize = (text) => {
  if (!tokenizer) {
    const lindera = createRequire(import.meta.url)('lindera-wasm-nodejs-ipadic') as Lindera;
    const b = new lindera.TokenizerBuilder();
    b.setDictionary('embedded://ipadic');
    b.setMode('normal');
    tokenizer = b.build();
  }
  return tokenizer.tokenize(text).map((t) => ({
    surface: t.surface,
    lemma: t.baseForm && t.baseForm !== '*' ? t.baseForm : t.surface,
    pos: t.partOfSpeech,
    sub: t.partOfSpeechSubcategory1,
    sub2: t.partOfSpeechSubcategory2 ?? '*',
  }));
};
