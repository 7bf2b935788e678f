import { readMail } from '../intent/read.js';
import { tokenize as analyser, type Tokenize } from '../intent/tokenizer.js';
import type { IntentWords } from '../intent/words.js';

/**
 * B12: the out-of-scope kind a booking's topic plainly names (new graduates, disability, vocational
 * training), read as words like a seeker's mail (src/intent/): 通信障害 or 新卒ではない is not one.
 */
export function outOfScopeKind(
  topic: string,
  words: IntentWords,
  tokenize: Tokenize = analyser,
): string | undefined {
  const r = readMail('', topic, words, tokenize).outOfScope;
  return r?.mode === 'request' ? r.kind : undefined;
}
