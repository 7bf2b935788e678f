import type { ParsedMail } from './parse.js';

/**
 * Did DMARC pass for the From domain, as the configured receiving server saw it? Only the
 * topmost Authentication-Results header with our authserv-id counts (RFC 8601 §5: the border MTA
 * removes forged ones bearing its id; anything lower down was written by the sender or a relay).
 */
export function dmarcPass(
  m: Pick<ParsedMail, 'from' | 'headers'>,
  trustedAuthservId: string | null | Array<string | null>,
): boolean {
  const trusted = (Array.isArray(trustedAuthservId) ? trustedAuthservId : [trustedAuthservId])
    .filter((t): t is string => !!t)
    .map((t) => t.toLowerCase());
  if (!trusted.length || !m.from) return false;
  const fromDomain = m.from.slice(m.from.lastIndexOf('@') + 1);
  const mine = (m.headers.get('authentication-results') ?? []).find((v) =>
    trusted.includes(v.split(';')[0]!.trim().split(/\s+/)[0]!.toLowerCase()),
  );
  if (!mine) return false;
  const clause = mine
    .replace(/\([^)]*\)/g, '')
    .split(';')
    .map((s) => s.trim())
    .find((s) => /^dmarc\s*=/i.test(s));
  if (!clause || !/^dmarc\s*=\s*pass\b/i.test(clause)) return false;
  const hf = /header\.from\s*=\s*([^\s;]+)/i.exec(clause)?.[1]?.toLowerCase();
  return hf === undefined || hf === fromDomain;
}

/**
 * Whether the sender is one verified person, and if not, why (in words for staff). DMARC speaks
 * for a domain, not for a mailbox list: a From with a stranger beside the seeker
 * (`From: seeker@…, other@attacker.example`), an unparseable one, or two From headers is never a
 * verified seeker, whatever the Authentication-Results say (issue #13).
 */
export function senderTrust(
  m: Pick<ParsedMail, 'from' | 'fromMailboxes' | 'headers'>,
  trustedAuthservId: Array<string | null>,
): { verified: boolean; why?: string } {
  if (m.fromMailboxes !== 1 || !m.from || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(m.from))
    return { verified: false, why: 'From is not exactly one mailbox' };
  return dmarcPass(m, trustedAuthservId)
    ? { verified: true }
    : { verified: false, why: 'sender not verified (DMARC)' };
}
