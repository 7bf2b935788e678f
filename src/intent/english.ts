import type { Mode } from './grammar.js';
import type { Hit, SentenceReading } from './japanese.js';
import { OTHERS_EN } from './people.js';
import type { Sentence } from './sentences.js';
import { namesDay } from './when.js';
import { hasWord, type IntentWords } from './words.js';

// English has no analyser here: a few phrase shapes, read in one sentence at a time. Anything
// they do not recognise is 'unsure', so it goes to staff, never to an automatic action.
const CANCEL = /\bcancel(?:s|led|ed|ling|ing|lation)?\b/;
const NEGATION = /\b(not|never|no need|don'?t|doesn'?t|won'?t|isn'?t|aren'?t|shouldn'?t|wouldn'?t)\b|n't\b/;
const POLITE_ASK = /\b(could|can|would|will) you (please |kindly )?cancel\b/;
const DOUBT =
  /\b(if|in case|whether|when|maybe|perhaps|probably|possibly|likely|might|may have to|thinking of|considering|not sure)\b/;
const WANT =
  /\b(i'?d like to|i would like to|i want to|i wish to|i need to|i have to|i must|please|kindly|i'?ll|i will|i am writing to|i'?m writing to|let me)\b[^.]*\bcancel/;
// "Please tell me how to cancel", "a question about cancelling": asks about it, not for it.
const ABOUT = /\b(how|what|which|why|about|regarding|concerning)\b/;
// What is cancelled: "cancel my (next) appointment", and what follows it ("with ABC Corporation").
const OBJECT =
  /\bcancel(?:ling|ing)?\s+(?:(?:my|the|our|this|that|your)\s+)?(?:(?:next|upcoming)\s+)?([a-z'-]+(?:\s+[a-z-]+)?)/;
// An appointment with someone else, or at another place: a company's interview, a fair.
const ELSEWHERE = /^\s+(with|at)\s+(?!(you|your|us|hello\s?work|the (office|consultation|counter))\b|\d)/;
const TIME = /^(on|for|at|tomorrow|today|monday|tuesday|wednesday|thursday|friday|the|\d)/;
const ABSENCE =
  /\b(can'?t|cannot|can not|won'?t be able to|will not be able to|unable to|not able to)\s+(attend|make it|come|join)\b/;
// "I no longer need the consultation": a cancellation when what follows names ours ("it" does not:
// "I don't need it anymore" may be anything).
const NEEDLESS = /\b(no longer need|(?:do not|don'?t|won'?t) need)\b/;
// "disability support", "vocational training instructor": a line of work, not the sender's case.
const FIELD =
  /^\s+(support|services?|sector|field|care|workers?|staff|teachers?|instructors?|trainers?|cent(er|re)s?|facilit(y|ies)|organi[sz]ations?|compan(y|ies)|industry|charity|nonprofit)\b/;
// Someone else's case ("my son is a new graduate"): B12 is about the sender's own.
const OTHERS = new RegExp(`\\b(${OTHERS_EN.join('|')})s?\\b`);
// "I want to work with people with disabilities": other people the sender would serve.
const SERVES =
  /\b(work(ing)? with|support(ing)?|assist(ing)?|car(e|ing) for|teach(ing)?) (people|persons|children|adults|those|others|students)\b/;
// "I am currently in vocational training": the sender is in it now (config ongoing: triage).
const ONGOING = /\b(currently|while|during|(am|'m) (now )?(in|on|taking|attending|doing))\b/;
// What a sentence brings up: "There is a seminar…", "As for the fair…", "About the job fair…"
// (at its start: "sorry about the short notice" brings up nothing).
const TOPIC = /(?:^(?:about|regarding|concerning|as for)|\bthere (?:is|are|will be))\s+([^,.;:!?]+)/;
/** A phrase's head: its words before the first preposition, without the days it names. */
const headOf = (phrase: string) => {
  const head = phrase.split(/\b(?:after|before|during|following|with|at|in|on|for|from)\b/)[0]!;
  return { head, named: head.replace(/\b(tomorrow|today|this (morning|afternoon))('s)?\b/g, '').trim() };
};
/** What the sentence brings up is another thing than ours ("About the seminar: …"). */
const topicIsOther = (t: string, objects: string[]) => {
  const topic = TOPIC.exec(t)?.[1];
  if (!topic) return false;
  const { head, named } = headOf(topic);
  return named !== '' && !namesOurs(head, objects);
};
// Not coming reported or feared ("My boss says I can't attend", "I'm worried I can't attend"),
// or only on a condition ("…without my documents"): not the sender saying so now. ("I'm afraid I
// can't attend" is the polite way of saying it.)
const REPORTED_OR_FEARED =
  /\b(said|says|(?<!to )say|told|tells|heard|hears|mentioned|thinks?|thought|worried|worry|concerned|anxious|scared|fear)\b/;
const ONLY_IF = /\b(without|unless)\b/;
// Someone else not coming ("My wife can't attend"): not the sender's booking to cancel.
const SOMEONE_ELSE = new RegExp(`\\b(he|she|they|(${OTHERS_EN.join('|')})s?)\\s*$`);
const CHANGE =
  /\b(reschedule|move (my|the) (appointment|booking|consultation)|change (my|the) (appointment|booking|consultation|time|date)|(book|make) (an?|another|a new) (appointment|booking|consultation))\b/;

function cancelHit(t: string, s: Sentence, objects: string[]): Hit | undefined {
  const m = CANCEL.exec(t);
  if (!m) return undefined;
  const after = t.slice(m.index + m[0].length);
  if (/^\s+(list|policy|fee|waiting)/.test(after) || /waiting list/.test(t)) return undefined;
  // Another's or another event's ("could you cancel my wife's appointment"), however politely asked.
  const om = OBJECT.exec(t);
  const object = om?.[1];
  const ours = object && objects.find((o) => object.startsWith(o));
  if (object && !TIME.test(object) && !ours) return { mode: 'unsure', why: 'names something else' };
  if (ours && ELSEWHERE.test(t.slice(om.index + om[0].length - object.length + ours.length)))
    return { mode: 'unsure', why: 'names something else' };
  const bare = !objects.some((o) => hasWord(t, o));
  const when = whenAfter(t, m);
  if (POLITE_ASK.test(t)) return { mode: 'request', ...(bare ? { bare } : {}), ...(when ? { when } : {}) };
  // A negation counts in the cancel's own clause: "I can't attend, so please cancel it" asks.
  const clause = clauseBefore(t, m.index);
  if (NEGATION.test(clause) || /^\s+(is|was)\s+not\b/.test(after)) return { mode: 'negated', why: 'negated' };
  if (ABOUT.test(clause)) return { mode: 'unsure', why: 'asks about it' };
  if (DOUBT.test(t) || s.question || /\b(was|were|been|got|is) cancell?ed\b/.test(t))
    return { mode: 'unsure', why: 'not a request' };
  // A bare "cancel" as a subject asks nothing by itself; "cancel my appointment" does.
  const imperative = /^(please\s+)?cancel\b/.test(t) && (!s.subject || !!object);
  if (!WANT.test(t) && !imperative) return { mode: 'unsure', why: 'not a request' };
  return { mode: 'request', ...(bare ? { bare } : {}), ...(when ? { when } : {}) };
}

/** The words before index i from the start of its clause. */
const clauseBefore = (t: string, i: number) =>
  t
    .slice(0, i)
    .split(/[,;:]|\b(?:so|but|and|because)\b/)
    .at(-1) ?? '';

/**
 * The words after the verb when they name a day or time ("cancel the one next month", "attend
 * tomorrow"): they, not the rest of the sentence ("Keep tomorrow's consultation, but…"), say which.
 */
const whenAfter = (t: string, m: RegExpExecArray) => {
  const after = clauseAfter(t, m);
  return namesDay(after) ? after : undefined;
};

/** The words after a match up to the end of its clause (a reason starts another: "due to my consultation"). */
const clauseAfter = (t: string, m: RegExpExecArray) =>
  t
    .slice(m.index + m[0].length)
    .split(/[,;:]|\b(?:so|but|and|because|as|since|due to|owing to)\b/)[0]!
    .replace(/[.!?\s]+$/, '');

/**
 * Our consultation named in English words ("it" and "this" only where a caller allows them); the
 * list's Japanese words are the Japanese reader's (相談 would match inside 相談会 here).
 */
export const namesOurs = (text: string, objects: string[]) =>
  objects.some((o) => o !== 'it' && o !== 'this' && /^[a-z ]+$/.test(o) && hasWord(text, o));

/**
 * What "can't attend / make it / come / join" names, read up to the end of its clause: ours,
 * something else ("I can't attend the seminar, but I will join the consultation"), or with
 * nothing but a day named there ("I can't make it tomorrow", "About my appointment: I can't
 * attend"), what the sentence's own words name; "it" and "this" count only right after the verb.
 */
function absentFrom(t: string, m: RegExpExecArray, objects: string[]): 'ours' | 'other' | 'none' {
  const after = clauseAfter(t, m);
  if (/^\s+(it|this)\b/.test(after)) return 'ours';
  // "the first 10 minutes of the consultation": a part of it, the rest attended.
  if (/^\s+(the )?(first|last|start|beginning|end|rest|part|half)\b/.test(after)) return 'other';
  // "the seminar after the consultation": the phrase's head is before its first preposition.
  const { head, named } = headOf(after);
  if (named !== '') return namesOurs(head, objects) ? 'ours' : 'other';
  // Nothing named at the verb: a thing the sentence brings up ("There is a seminar before the
  // consultation, but I can't attend") is what is missed; else what the sentence names.
  if (topicIsOther(t.slice(0, m.index), objects)) return 'other';
  return objects.some((o) => hasWord(t, o)) ? 'ours' : 'none';
}

/** "I can't attend": a cancellation when the sender says it of our consultation, plainly. */
function absenceHit(t: string, s: Sentence, m: RegExpExecArray, objects: string[]): Hit {
  const before = t.slice(0, m.index);
  if (SOMEONE_ELSE.test(before)) return { mode: 'unsure', why: 'someone else' };
  if (REPORTED_OR_FEARED.test(before) || ONLY_IF.test(clauseAfter(t, m)))
    return { mode: 'unsure', why: 'supposed, not said' };
  const named = absentFrom(t, m, objects);
  if (named === 'other') return { mode: 'unsure', why: 'names something else' };
  if (named !== 'ours' || DOUBT.test(t) || s.question) return { mode: 'unsure', why: 'not a request' };
  const when = whenAfter(t, m);
  return { mode: 'request', absence: true, ...(when ? { when } : {}) };
}

/** One English sentence (no Japanese in it). */
export function readEnglish(s: Sentence, w: IntentWords): SentenceReading {
  const t = s.text;
  const cancel: Hit[] = [];
  const c = cancelHit(t, s, w.cancel.objects);
  if (c) cancel.push(c);
  const absent = c ? null : ABSENCE.exec(t);
  if (absent) cancel.push(absenceHit(t, s, absent, w.cancel.objects));
  const needless = c || absent ? null : NEEDLESS.exec(t);
  if (needless) {
    if (namesOurs(clauseAfter(t, needless), w.cancel.objects))
      cancel.push(
        DOUBT.test(t) || s.question ? { mode: 'unsure', why: 'not a request' } : { mode: 'request' },
      );
  }
  const outOfScope: SentenceReading['outOfScope'] = [];
  for (const o of w.outOfScope) {
    const k = [...o.keywords, ...o.unsure].find((x) => hasWord(t, x));
    if (!k) continue;
    const before = t.slice(0, t.indexOf(k));
    const mode: Mode = NEGATION.test(before)
      ? 'negated'
      : o.keywords.includes(k) &&
          !/\b(finished|completed|was|were|used to)\b/.test(t) &&
          !DOUBT.test(t) &&
          !FIELD.test(t.slice(t.indexOf(k) + k.length)) &&
          !OTHERS.test(t) &&
          !SERVES.test(before) &&
          !o.contrary.some((x) => hasWord(t, x)) &&
          !(o.ongoing === 'triage' && ONGOING.test(before)) &&
          !/\bbut\b/.test(t.slice(t.indexOf(k))) &&
          // "Consultations for people with disabilities are not held online": a statement of
          // what is not done, ours pasted back, not the sender's case.
          !NEGATION.test(t.slice(t.indexOf(k) + k.length))
        ? 'request'
        : 'unsure';
    outOfScope.push({ kind: o.kind, mode });
  }
  // A negation in the change's own clause: "I can't attend, so I'd like to book another" asks.
  const cm = CHANGE.exec(t);
  const change = !!cm && !NEGATION.test(clauseBefore(t, cm.index));
  return {
    cancel,
    change,
    move: change && !/\b(book|make) (an?|another|a new)\b/.test(t),
    outOfScope,
    aboutOther: topicIsOther(t, w.cancel.objects),
  };
}
