import type { Context } from './context.js';
import { startProbeServer } from './health.js';
import { type Handle, PROCESSES } from './processes.js';

/**
 * Starts the named processes in this Node process and stops them all, in reverse order, on the
 * first SIGTERM or SIGINT (jobs in flight finish). The handlers are in place before the first
 * process starts, so a signal during start-up still shuts down cleanly. A second signal exits at once,
 * and so does a shutdown still running after queues.shutdownTimeoutMs.
 */
export async function runProcesses(ctx: Context, names: string[]): Promise<{ stopped: Promise<void> }> {
  for (const name of names) {
    if (!PROCESSES[name])
      throw new Error(`unknown process ${name}; known: ${Object.keys(PROCESSES).join(', ')}`);
  }
  const handles: Handle[] = [];
  let stopping = false;
  let startup: Promise<void> = Promise.resolve();
  const stopped = new Promise<void>((resolve) => {
    const stop = async (signal: string) => {
      if (stopping) {
        ctx.log.warn('second signal: exiting now', { signal });
        process.exit(130);
      }
      stopping = true;
      ctx.log.info('shutting down', { signal });
      // Closing waits for Redis and IMAP; with one of them gone it would wait forever.
      const deadline = setTimeout(() => {
        ctx.log.error('shutdown timed out: exiting with work unfinished (it is retried)', {
          afterMs: ctx.config.queues.shutdownTimeoutMs,
        });
        process.exit(1);
      }, ctx.config.queues.shutdownTimeoutMs);
      deadline.unref();
      await startup.catch(() => {});
      for (const h of handles.reverse()) {
        await h.close().catch((err) => ctx.log.error('close failed', { proc: h.name, err }));
      }
      await ctx.close();
      clearTimeout(deadline);
      ctx.log.info('stopped');
      resolve();
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  });
  startup = (async () => {
    if (ctx.config.metrics.port) handles.push(await startProbeServer(ctx));
    for (const name of names) {
      if (stopping) return;
      handles.push(await PROCESSES[name]!(ctx));
      ctx.log.info('process started', { proc: name });
    }
  })();
  await startup;
  return { stopped };
}
