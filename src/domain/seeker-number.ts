import { MadoguchiError } from '../errors.js';

// B6: a 5-digit office part and a 4-8-digit personal part, usually 01020-12345678. People type
// full-width digits (NFKC folds them), other dashes (ー－‐ and friends) or spaces, or nothing.
const DASHES = /[\u002D\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30FC\uFF0D\uFF70]/g;

/** Normalised form 'OOOOO-PPPPPPPP', or throws SEEKER_INVALID. */
export function normaliseSeekerNumber(input: string): string {
  const s = input.normalize('NFKC').replace(DASHES, '-').replace(/\s+/g, '');
  const m = /^(\d{5})-?(\d{4,8})$/.exec(s);
  if (!m) {
    throw new MadoguchiError(
      'SEEKER_INVALID',
      'job-seeker number must be 5 digits, a dash, then 4-8 digits (B6)',
    );
  }
  return `${m[1]}-${m[2]}`;
}

/** For output: the office part and the last two digits only. */
export function maskSeekerNumber(normalised: string): string {
  const [office, personal = ''] = normalised.split('-');
  return `${office}-${'*'.repeat(Math.max(0, personal.length - 2))}${personal.slice(-2)}`;
}
