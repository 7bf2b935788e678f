import type { BookingRules } from './calendar.js';

/** B12: the out-of-scope kind the topic names (new graduates, disability, vocational training), if any. */
export function outOfScopeKind(topic: string, rules: BookingRules): string | undefined {
  const t = topic.normalize('NFKC').toLowerCase();
  return rules.outOfScope.find((o) => o.keywords.some((k) => t.includes(k.normalize('NFKC').toLowerCase())))
    ?.kind;
}
