// Preloaded (`--import`) into a spawned worker process when MEM_DIR is set (test/helpers/processes.ts):
// writes MEM_DIR/mem-<pid>.tsv, one line each time the process's RSS moves by 3 MB or more:
// ms since start, RSS, and the main thread's heap used, external and ArrayBuffer memory, in MB.
// Threads' heaps are in the RSS only, so a rise with flat main-thread columns is a thread's.
// This is how a peak is taken apart into steps (which step of a mail costs what).
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

const mb = (n) => Math.round(n / 1048576);

// Threads inherit --import: only the main thread writes (the RSS is the whole process's anyway).
if (isMainThread) {
  const file = path.join(process.env.MEM_DIR, `mem-${process.pid}.tsv`);
  writeFileSync(file, 'ms\trss\theap\texternal\tarrayBuffers\n');
  const t0 = Date.now();
  let last = 0;
  setInterval(() => {
    const m = process.memoryUsage();
    if (Math.abs(mb(m.rss) - last) < 3) return;
    last = mb(m.rss);
    const row = [Date.now() - t0, last, mb(m.heapUsed), mb(m.external), mb(m.arrayBuffers)];
    appendFileSync(file, `${row.join('\t')}\n`);
  }, 2).unref();
}
