import { startSmtpIngress } from '../inbound/smtp-ingress.js';
import { startWatcher } from '../inbound/watcher.js';
import { startInbound } from '../inbound/worker.js';
import { startOutbox } from '../outbox/worker.js';
import { startScheduler } from '../scheduler/worker.js';
import type { Context } from './context.js';

export interface Handle {
  name: string;
  /** Stops taking work and waits for work in flight. */
  close(): Promise<void>;
}

/** Every process of the service; `madoguchi run` starts them all, workers/<name>.ts one each. */
export const PROCESSES: Record<string, (ctx: Context) => Promise<Handle>> = {
  outbox: startOutbox,
  scheduler: (ctx) => startScheduler(ctx),
  inbound: startInbound,
  watcher: startWatcher,
  ingress: (ctx) => startSmtpIngress(ctx), // a no-op unless ingress.smtp.enabled
};
