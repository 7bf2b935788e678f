import type { Config } from '../config/schema.js';
import { enqueueMail, type OutboxMail } from '../outbox/queue.js';
import type { InboundDeps } from './handle.js';

/** From, Message-ID and headers of everything inbound handling sends (RFC 3834 marker, loop header). */
export function mailBase(cfg: Readonly<Config>, ref: string, auto: 'auto-replied' | 'auto-generated') {
  return {
    from: `${cfg.office.shortName} <${cfg.office.consultationAddress}>`,
    messageId: `<${ref}@${cfg.mail.messageIdDomain}>`,
    headers: { 'Auto-Submitted': auto, [cfg.mail.loopHeader]: ref },
  };
}

/** Queue once per key (the outbox's sent marker and job id make a retry a no-op). */
export async function send(deps: InboundDeps, key: string, kind: string, mail: OutboxMail): Promise<void> {
  await enqueueMail(deps.svc.outbox, deps.svc.ctx, { key, kind, refs: { mail: key.slice(-16) }, mail });
}
