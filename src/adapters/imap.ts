import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { Config } from '../config/schema.js';
import { parseImapUrl } from './urls.js';

/** A fresh ImapFlow client. imapflow never reconnects by itself: callers create a new one per session. */
export function createImapClient(
  config: Pick<Config, 'connections'>,
  extra: Partial<ImapFlowOptions> = {},
): ImapFlow {
  const t = parseImapUrl(config.connections.imapUrl);
  return new ImapFlow({
    host: t.host,
    port: t.port,
    secure: t.secure,
    auth: { user: t.user, pass: t.pass },
    logger: false,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    ...extra,
  });
}
