import type { Context } from './context.js';

export interface Handle {
  name: string;
  /** Stops taking work and waits for work in flight. */
  close(): Promise<void>;
}

/**
 * Every process of the service; `madoguchi run` starts them all, workers/<name>.ts one each.
 * Loaded on demand: a process alone loads only its own libraries (mailauth alone is 36 MB of
 * memory, which an inbound worker handling a 25 MB attachment cannot spare).
 */
export const PROCESSES: Record<string, (ctx: Context) => Promise<Handle>> = {
  outbox: async (ctx) => (await import('../outbox/worker.js')).startOutbox(ctx),
  scheduler: async (ctx) => (await import('../scheduler/worker.js')).startScheduler(ctx),
  inbound: async (ctx) => (await import('../inbound/worker.js')).startInbound(ctx),
  watcher: async (ctx) => (await import('../inbound/watcher.js')).startWatcher(ctx),
  web: async (ctx) => (await import('../web/worker.js')).startWeb(ctx),
  // A no-op unless ingress.smtp.enabled.
  ingress: async (ctx) => (await import('../inbound/smtp-ingress.js')).startSmtpIngress(ctx),
};
