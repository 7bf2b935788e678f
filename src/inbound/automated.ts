import type { ParsedMail } from './parse.js';

export type AutomatedKind = 'own-mail' | 'bounce' | 'auto-reply' | 'list' | 'read-receipt' | 'report';

// Japanese systems put the word in brackets first: 【自動返信】, [自動応答], ＜不在通知＞, 【自動送信】.
const BRACKETS = '[\\s【\\[［(（<＜〔]*';
const BOUNCE_SUBJECT = new RegExp(
  `^${BRACKETS}(returned mail|undeliver|undelivered mail|delivery status notification|mail delivery (failed|failure|subsystem)|failure notice|mail system error|delivery failure|メールエラー通知|配信(に)?失敗|loop alert)`,
  'i',
);
const AUTO_SUBJECT = new RegExp(
  `^${BRACKETS}(auto(matic)?[ -]?(reply|response)|autoreply|out of (the )?office|vacation|不在|自動応答|自動返信|自動送信|自動配信)`,
  'i',
);

const first = (m: ParsedMail, name: string) => m.headers.get(name)?.[0]?.trim() ?? '';
const contentType = (m: ParsedMail) => first(m, 'content-type').toLowerCase();

// What a delivery failure says in a plain-text bounce (old MTAs, Japanese carriers' own formats).
const BOUNCE_TEXT =
  /(could not be delivered|undeliverable|delivery (to the following recipients? )?(has )?failed|permanent(ly)? (error|fatal)|user unknown|unknown user|no such (user|mailbox)|mailbox (unavailable|not found)|returned mail|宛先(が)?不明|配信(に)?失敗|送信できませんでした|配信できませんでした|届きませんでした|存在しません)/i;
const RETURNED = /^(message\/rfc822|text\/rfc822-headers|message\/delivery-status)/i;

/**
 * A delivery failure report, judged by its content (issue #13): a multipart/report of
 * delivery-status (RFC 3464), X-Failed-Recipients, a known bounce subject, or a mail system's
 * sender with a returned message or a failure text. A null Return-Path alone is not one: RFC 3834
 * §3.3 recommends it for auto-replies too, and only a real bounce may mark our send as failed.
 */
function isBounce(m: ParsedMail, ct: string): boolean {
  if (/multipart\/report/.test(ct) && /delivery-status/.test(ct)) return true;
  if (m.headers.has('x-failed-recipients') || BOUNCE_SUBJECT.test(m.subject)) return true;
  const rp = first(m, 'return-path');
  const system =
    /^(mailer-daemon|postmaster)@/.test(m.from ?? '') || rp === '<>' || /^<?mailer-daemon\b/i.test(rp);
  return system && (m.attachments.some((a) => RETURNED.test(a.contentType)) || BOUNCE_TEXT.test(m.text));
}

/**
 * Mail no person wrote: never answered (RFC 3834 §2), however it asks. Our own loop header first
 * (a reply of ours coming back), then DSNs and MDNs (RFC 3464, 8098), then auto-replies and lists.
 * `Auto-Submitted: no` is a human (RFC 3834 §5).
 */
export function automatedKind(m: ParsedMail, loopHeader: string): AutomatedKind | undefined {
  if (m.headers.has(loopHeader.toLowerCase())) return 'own-mail';
  const ct = contentType(m);
  if (/multipart\/report/.test(ct) && /report-type\s*=\s*"?disposition-notification/.test(ct))
    return 'read-receipt';
  if (isBounce(m, ct)) return 'bounce';
  if (/multipart\/report/.test(ct)) return 'report';
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
  // A null return path (or one to a mail system) with nothing else: automated, not a bounce.
  if (first(m, 'return-path') === '<>' || /^(mailer-daemon|postmaster)@/.test(m.from ?? ''))
    return 'auto-reply';
  return undefined;
}

const RECIPIENT = /^(?:Final|Original)-Recipient:\s*rfc822;\s*<?([^\s<>;]+@[^\s<>;]+)>?/gim;

/**
 * The recipients the delivery-status parts (RFC 3464 §2.3) report failed: a per-recipient block
 * with Action: failed, or without an Action but with a 5.x.x Status. A "still trying" notice
 * (Action: delayed, two in the corpus) or a success report (delivered, relayed, expanded) is no
 * failure: the trap was reading every Final-Recipient in the mail, which flagged a seeker's
 * address on a 4-hour delay notice. Undefined when the mail has no delivery-status part.
 */
function failedInReports(m: ParsedMail): string[] | undefined {
  // message/global-delivery-status: the same fields in UTF-8 (RFC 6533).
  const reports = m.attachments.filter((a) => /^message\/(global-)?delivery-status/i.test(a.contentType));
  if (!reports.length) return undefined;
  const failed: string[] = [];
  for (const r of reports)
    for (const block of r.content
      .toString('latin1')
      .replace(/\r?\n[ \t]+/g, ' ') // unfolded (RFC 5322 §2.2.3)
      .split(/\r?\n[ \t]*\r?\n/)) {
      const action = /^Action:\s*([a-z-]+)/im.exec(block)?.[1]?.toLowerCase();
      if (action === 'failed' || (!action && /^Status:\s*5\./im.test(block)))
        for (const x of block.matchAll(RECIPIENT)) failed.push(x[1]!.toLowerCase());
    }
  return failed;
}

/**
 * Message-IDs of ours quoted in a DSN (its returned headers or body), and failed recipients; none
 * of either when its delivery-status parts report no failure (only delays or deliveries).
 */
export function bounceDetails(
  m: ParsedMail,
  raw: Buffer,
  messageIdDomain: string,
): { ourMessageIds: string[]; recipients: string[] } {
  const s = raw.toString('latin1');
  const reported = failedInReports(m);
  const recipients = reported ?? [...s.matchAll(RECIPIENT)].map((x) => x[1]!.toLowerCase());
  for (const v of m.headers.get('x-failed-recipients') ?? [])
    for (const a of v.split(',')) if (a.includes('@')) recipients.push(a.trim().toLowerCase());
  if (reported && !recipients.length) return { ourMessageIds: [], recipients: [] };
  const dom = messageIdDomain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ourMessageIds = [...new Set(s.match(new RegExp(`<[^<>\\s@]+@${dom}>`, 'gi')) ?? [])].filter(
    (id) => id !== m.messageId,
  );
  return { ourMessageIds, recipients: [...new Set(recipients)] };
}
