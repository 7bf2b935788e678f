import type { Config } from '../config/schema.js';

/**
 * From, Message-ID and headers of everything madoguchi sends: the consultation address, a
 * Message-ID on our domain (DSNs are matched by it), the RFC 3834 marker, and our loop header
 * (inbound recognises our own mail coming back by it).
 */
export function envelope(
  config: Pick<Readonly<Config>, 'office' | 'mail'>,
  ref: string,
  auto: 'auto-generated' | 'auto-replied' = 'auto-generated',
) {
  return {
    from: `${config.office.shortName} <${config.office.consultationAddress}>`,
    messageId: `<${ref}@${config.mail.messageIdDomain}>`,
    headers: { 'Auto-Submitted': auto, [config.mail.loopHeader]: ref },
  };
}
