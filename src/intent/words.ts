import type { Config } from '../config/schema.js';
import { fold } from './sentences.js';

/** The office's word lists (config intents and booking.outOfScope), folded once. */
export interface IntentWords {
  variants: Record<string, string>;
  cancel: {
    words: string[];
    notJoinedTo: string[];
    objects: string[];
    needObject: string[];
    absence: string[];
    unneeded: string[];
    trouble: string[];
  };
  bookingRequest: string[];
  changeWords: string[];
  outOfScope: Array<{
    kind: string;
    keywords: string[];
    unsure: string[];
    contrary: string[];
    ongoing: 'refer' | 'triage';
  }>;
}

const f = (xs: readonly string[]) => xs.map(fold);
const cache = new WeakMap<object, IntentWords>();

/** Folded once per loaded config (the config is frozen). */
export function intentWords(cfg: Pick<Config, 'intents' | 'booking'>): IntentWords {
  const hit = cache.get(cfg);
  if (hit) return hit;
  const w = build(cfg);
  cache.set(cfg, w);
  return w;
}

function build(cfg: Pick<Config, 'intents' | 'booking'>): IntentWords {
  const c = cfg.intents.cancel;
  return {
    variants: cfg.intents.variants,
    cancel: {
      words: f(c.words),
      notJoinedTo: f(c.notJoinedTo),
      objects: f(c.objects),
      needObject: f(c.needObject),
      absence: f(c.absence),
      unneeded: f(c.unneeded),
      trouble: f(c.trouble),
    },
    bookingRequest: f(cfg.intents.bookingRequest.words),
    changeWords: f(cfg.intents.bookingRequest.changeWords),
    outOfScope: cfg.booking.outOfScope.map((o) => ({
      kind: o.kind,
      keywords: f(o.keywords),
      unsure: f(o.unsure),
      contrary: f(o.contrary),
      ongoing: o.ongoing,
    })),
  };
}

// A verb's dictionary form (取り消す) is written inflected (取り消し, 取り消さ): its stem is what
// the text holds. Kana endings are cut back to the last kanji or katakana.
const stems = (words: string[]) => [
  ...new Set(words.map((x) => x.replace(/(?<=[\u30a0-\u30ff\u3400-\u9fff])[\u3040-\u309f]+$/, ''))),
];
const NEGATION = /ない|なく|ません|ず/;

/**
 * Whether a Japanese sentence may hold anything the reader looks for: no sentence without one
 * needs the analyser. "Not coming" words (行く, 出る: one-kanji stems found everywhere) count only
 * beside a negation and the consultation's name, as the reader itself requires; "not needed"
 * words (不要, 必要) only beside the consultation's name.
 */
export function mayMatch(w: IntentWords): (sentence: string) => boolean {
  const strong = stems([
    ...w.cancel.words,
    ...w.bookingRequest,
    ...w.changeWords,
    ...w.outOfScope.flatMap((o) => [...o.keywords, ...o.unsure]),
  ]);
  const unneeded = stems(w.cancel.unneeded);
  const negatable = [...stems(w.cancel.absence), ...unneeded];
  return (t) =>
    strong.some((x) => t.includes(x)) ||
    ((NEGATION.test(t) ? negatable : unneeded).some((x) => t.includes(x)) &&
      w.cancel.objects.some((o) => t.includes(o)));
}

/** Whole-word test for English words and phrases. */
export const hasWord = (text: string, word: string) =>
  new RegExp(`(^|[^a-z])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z])`).test(text);
