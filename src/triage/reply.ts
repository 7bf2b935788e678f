import { textProblems } from '../domain/text.js';
import { MadoguchiError } from '../errors.js';
import type { InboundDeps } from '../inbound/deps.js';
import { send } from '../inbound/outgoing.js';
import { renderReply } from '../invites/templates.js';
import { envelope } from '../outbox/envelope.js';
import { threadMails } from './mail.js';
import { triageItem } from './queue.js';

/**
 * A staff reply from the consultation address to the latest mail of the item's thread, threaded
 * (In-Reply-To, References) and queued in the outbox under a key made of the item and `once` (a
 * token of the page the reply was written on): a double submit is the same key, so the sender
 * gets one mail. An address a DSN flagged needs `confirmFlagged`. Audited without the text.
 */
export async function replyTriage(
  deps: InboundDeps,
  prefix: string,
  body: string,
  once: string,
  actor: string,
  opts: { confirmFlagged?: boolean } = {},
) {
  const item = await triageItem(deps, prefix);
  const bad = textProblems({ actor, once, body: body.replace(/\r?\n/g, ' ') });
  if (bad.length || !body.trim() || !/^[\w-]{8,64}$/.test(once))
    throw new MadoguchiError('USAGE', bad.join('; ') || 'a reply needs a text');
  const mails = await threadMails(deps, item);
  const last = [...mails].reverse().find((m) => m.from) ?? mails[0]!;
  if (!last.from) throw new MadoguchiError('USAGE', 'the mail has no sender to reply to');
  if (last.flagged && !opts.confirmFlagged)
    throw new MadoguchiError('ADDRESS_FLAGGED', 'a delivery failure was reported for this address');
  const cfg = deps.svc.ctx.config;
  const r = renderReply('triage-reply', 'ja', {
    subject: mails[0]!.subject.replace(/^\s*(re|返信)\s*[:：]\s*/i, ''),
    body: body.replace(/\r\n?/g, '\n').trim(),
    officeName: cfg.office.name,
    phone: cfg.office.phone,
    departmentCode: cfg.office.departmentCode,
  });
  const key = `triage-reply-${item.id}-${once}`;
  // A person wrote it: no Auto-Submitted and no reply caps (RFC 3834 §5), but our loop header
  // and Message-ID domain, like all we send.
  const { headers, ...env } = envelope(cfg, key);
  const { 'Auto-Submitted': _auto, ...ours } = headers;
  await send(deps, key, 'triage-reply', {
    ...env,
    headers: ours,
    to: [last.from],
    subject: r.subject,
    text: r.text,
    ...(last.messageId
      ? { inReplyTo: last.messageId, references: [...last.references, last.messageId] }
      : {}),
  });
  await deps.store.audit({
    rule: 'triage',
    action: 'triage-reply',
    mail: item.id,
    actor,
    outcome: 'queued',
    reason: item.rule,
  });
  return item;
}
