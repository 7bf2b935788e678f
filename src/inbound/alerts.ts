import type { Config } from '../config/schema.js';
import type { InboundDeps } from './deps.js';
import { opsAlert } from './handle.js';

/** The watcher-down rule, once: a sweep (heartbeat) within inbound.watcherDownAlertSeconds. */
export function sweptRecently(beat: number | undefined, cfg: Config['inbound'], now = Date.now()): boolean {
  return beat !== undefined && now - beat <= cfg.watcherDownAlertSeconds * 1000;
}

/**
 * Watcher down: no sweep for inbound.watcherDownAlertSeconds. One alert per outage (keyed by the
 * last heartbeat), none where no watcher ever ran (a deployment without inbound mail).
 */
export async function checkWatcher(deps: InboundDeps, now = Date.now()): Promise<boolean> {
  const beat = await deps.store.lastHeartbeat();
  if (beat === undefined || sweptRecently(beat, deps.svc.ctx.config.inbound, now)) return true;
  await opsAlert(
    deps,
    `watcher-down-${beat}`,
    'メール受信（IMAP 監視）が止まっています',
    `最後の確認: ${new Date(beat).toISOString()}（${Math.round((now - beat) / 1000)} 秒前）\n相談用アドレスに届いたメールが処理されていません。`,
  );
  return false;
}
