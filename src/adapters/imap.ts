import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { Config } from '../config/schema.js';
import { MadoguchiError } from '../errors.js';
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

// imapflow reports a refused APPEND, MOVE or delete (NO, BAD, a dropped connection) by returning
// false, not by throwing. Unchecked, a refused MOVE left the mover's claims held and the mail in
// INBOX for minutes, and a refused APPEND on release would have gone unnoticed. These throw.

/** UID MOVE `uids` (a UID set) to `target`, or IMAP_UNAVAILABLE. */
export async function moveUids(c: ImapFlow, uids: string, target: string): Promise<void> {
  if (!(await c.messageMove(uids, target, { uid: true })))
    throw new MadoguchiError('IMAP_UNAVAILABLE', `UID MOVE to ${target} was refused`);
}

/** APPEND `raw` to `mailbox` with its INTERNALDATE, or IMAP_UNAVAILABLE. */
export async function appendMail(c: ImapFlow, mailbox: string, raw: Buffer, date?: Date): Promise<void> {
  if (!(await c.append(mailbox, raw, [], date)))
    throw new MadoguchiError('IMAP_UNAVAILABLE', `APPEND to ${mailbox} was refused`);
}

/** Delete (flag and expunge) `uids` in the selected mailbox, or IMAP_UNAVAILABLE. */
export async function deleteUids(c: ImapFlow, uids: string): Promise<void> {
  if (!(await c.messageDelete(uids, { uid: true })))
    throw new MadoguchiError('IMAP_UNAVAILABLE', 'deleting messages was refused');
}
