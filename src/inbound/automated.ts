import type { ParsedMail } from './parse.js';

export type AutomatedKind = 'own-mail' | 'bounce' | 'auto-reply' | 'list' | 'read-receipt' | 'report';

const BOUNCE_SUBJECT =
  /^(returned mail|undeliver|undelivered mail|delivery status notification|mail delivery (failed|failure|subsystem)|failure notice|mail system error|delivery failure|メールエラー通知|配信(に)?失敗|loop alert)/i;
const AUTO_SUBJECT =
  /^(auto(matic)?[ -]?(reply|response)|autoreply|out of (the )?office|vacation|不在|自動応答|自動返信)/i;

const first = (m: ParsedMail, name: string) => m.headers.get(name)?.[0]?.trim() ?? '';
const contentType = (m: ParsedMail) => first(m, 'content-type').toLowerCase();

/**
 * Mail no person wrote: never answered (RFC 3834 §2), however it asks. Our own loop header first
 * (a reply of ours coming back), then DSNs and MDNs (RFC 3464, 8098), then auto-replies and lists.
 * `Auto-Submitted: no` is a human (RFC 3834 §5).
 */
export function automatedKind(m: ParsedMail, loopHeader: string): AutomatedKind | undefined {
  if (m.headers.has(loopHeader.toLowerCase())) return 'own-mail';
  const ct = contentType(m);
  const from = m.from ?? '';
  if (/multipart\/report/.test(ct) && /report-type\s*=\s*"?disposition-notification/.test(ct))
    return 'read-receipt';
  if (
    (/multipart\/report/.test(ct) && /delivery-status/.test(ct)) ||
    /^(mailer-daemon|postmaster)@/.test(from) ||
    first(m, 'return-path') === '<>' ||
    m.headers.has('x-failed-recipients')
  )
    return 'bounce';
  if (/multipart\/report/.test(ct)) return 'report';
  // Japanese carriers (au, KDDI) and old MTAs send bounces as plain mail: known subjects only.
  if (BOUNCE_SUBJECT.test(m.subject)) return 'bounce';
  const auto = first(m, 'auto-submitted').toLowerCase();
  if (auto && !auto.startsWith('no')) return 'auto-reply';
  if (
    m.headers.has('x-autoreply') ||
    m.headers.has('x-autorespond') ||
    first(m, 'x-auto-response-suppress').toLowerCase() === 'all' ||
    /^(auto_reply|auto-reply|autoreply)/i.test(first(m, 'x-mailer')) ||
    m.headers.has('x-apple-criteria') ||
    AUTO_SUBJECT.test(m.subject)
  )
    return 'auto-reply';
  const precedence = first(m, 'precedence').toLowerCase();
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return 'list';
  if (m.headers.has('list-id') || m.headers.has('list-unsubscribe') || m.headers.has('list-post'))
    return 'list';
  return undefined;
}

/** Message-IDs of ours quoted in a DSN (its returned headers or body), and failed recipients. */
export function bounceDetails(
  m: ParsedMail,
  raw: Buffer,
  messageIdDomain: string,
): { ourMessageIds: string[]; recipients: string[] } {
  const s = raw.toString('latin1');
  const dom = messageIdDomain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ourMessageIds = [...new Set(s.match(new RegExp(`<[^<>\\s@]+@${dom}>`, 'gi')) ?? [])].filter(
    (id) => id !== m.messageId,
  );
  const recipients = [
    ...new Set(
      [...s.matchAll(/^(?:Final|Original)-Recipient:\s*rfc822;\s*<?([^\s<>;]+@[^\s<>;]+)>?/gim)].map((x) =>
        x[1]!.toLowerCase(),
      ),
    ),
  ];
  for (const v of m.headers.get('x-failed-recipients') ?? [])
    for (const a of v.split(',')) if (a.includes('@')) recipients.push(a.trim().toLowerCase());
  return { ourMessageIds, recipients: [...new Set(recipients)] };
}
