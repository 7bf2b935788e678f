import { enqueueMail, type OutboxMail } from '../outbox/queue.js';
import type { InboundDeps } from './deps.js';

/** Queue once per key (the outbox's sent marker and job id make a retry a no-op). */
export async function send(deps: InboundDeps, key: string, kind: string, mail: OutboxMail): Promise<void> {
  await enqueueMail(deps.svc.outbox, deps.svc.ctx, { key, kind, refs: { mail: key.slice(-16) }, mail });
}
