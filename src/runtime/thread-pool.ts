import { parentPort, Worker, workerData } from 'node:worker_threads';

/**
 * Work that can run away (parsing hostile mail, reading hostile PDFs) runs in worker threads, each
 * bounded: a heap limit per thread, and a time limit per task after which the thread is terminated
 * and a fresh one takes the next task. Only a thread can be stopped mid-computation: a timer on the
 * main thread cannot interrupt a synchronous loop, it can only stop waiting for it.
 *
 * Protocol: a thread posts `{ ready: true }` once loaded (serveTasks does); only then does it get
 * tasks, so a time limit never includes a thread's start. The pool posts `{ id, ...request }`; the
 * thread answers `{ id, ...result }`, with `retire: true` when it should be ended after this task
 * (a task that grew its heap: V8 keeps a heap's size, and a fresh thread is cheaper than the memory).
 */
export class ThreadFailed extends Error {
  constructor(
    readonly kind: 'timeout' | 'memory' | 'crashed',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The thread module beside `callerUrl` (import.meta.url). From source (vitest, tsx) it is the .ts
 * file, started through thread-from-source.mjs; the build runs the compiled .js directly.
 */
export function threadModule(callerUrl: string, name: string): URL {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl);
}

interface Task {
  msg: Record<string, unknown>;
  transfer: ArrayBuffer[];
  timeoutMs: number;
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  busy: boolean;
  idle?: NodeJS.Timeout;
}

export class ThreadPool<Res> {
  private slots: Slot[] = [];
  private queue: Task[] = [];
  private seq = 0;
  private closed = false;

  constructor(
    private readonly opts: {
      file: URL;
      size: number;
      maxHeapMb: number;
      workerData?: unknown;
      /**
       * A thread idle this long is ended and its memory returned to the system; the next task
       * starts a fresh one. V8 keeps a thread's grown heap: after a 25 MB PDF, an idle pdf.js
       * thread held its peak for good. Unset: threads live as long as the pool.
       */
      idleMs?: number;
    },
  ) {}

  /** Threads running now (started or starting). */
  get threads(): number {
    return this.slots.length;
  }

  /** Start every thread now (each loads its libraries once), not on the first task. */
  warm(): void {
    while (this.slots.length < this.opts.size) this.spawn();
  }

  /** Run one task on the next free thread; the time limit counts from when it starts. */
  run(msg: Record<string, unknown>, timeoutMs: number, transfer: ArrayBuffer[] = []): Promise<Res> {
    if (this.closed) return Promise.reject(new ThreadFailed('crashed', 'thread pool closed'));
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ msg, transfer, timeoutMs, resolve: resolve as (r: unknown) => void, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new ThreadFailed('crashed', 'thread pool closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length) {
      const slot = this.slots.find((s) => s.ready && !s.busy);
      if (!slot) {
        // A thread being started counts: it takes the task when it reports ready.
        if (this.slots.length < this.opts.size) this.spawn();
        return;
      }
      this.start(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const { file, workerData, maxHeapMb } = this.opts;
    const fromSource = file.pathname.endsWith('.ts');
    const worker = new Worker(fromSource ? new URL('./thread-from-source.mjs', import.meta.url) : file, {
      workerData: fromSource ? { file: file.href, workerData } : workerData,
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb },
      stdout: true,
      stderr: true,
    });
    const slot: Slot = { worker, ready: false, busy: false };
    worker.on('message', (m: { ready?: boolean }) => {
      if (!m?.ready) return;
      slot.ready = true;
      this.pump();
      if (!slot.busy) worker.unref(); // an idle thread never keeps a process alive
      this.idleFrom(slot);
    });
    // A thread that dies between tasks is replaced when next needed. One that dies before it is
    // ready (a broken install) fails the task waiting longest, so a queue never waits forever.
    const died = (why: string) => {
      const starting = !slot.ready;
      this.retire(slot);
      if (this.closed) return;
      if (starting) this.queue.shift()?.reject(new ThreadFailed('crashed', `thread did not start: ${why}`));
      this.pump();
    };
    worker.on('error', (err) => died(String(err).slice(0, 200)));
    worker.on('exit', (code) => died(`exit ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private retire(slot: Slot): void {
    clearTimeout(slot.idle);
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    void slot.worker.terminate();
  }

  /** A free thread is ended after `idleMs` unless a task takes it first (start() clears this). */
  private idleFrom(slot: Slot): void {
    const { idleMs } = this.opts;
    if (idleMs === undefined || slot.busy || this.closed) return;
    clearTimeout(slot.idle);
    slot.idle = setTimeout(() => !slot.busy && this.retire(slot), idleMs).unref();
  }

  private start(slot: Slot, task: Task): void {
    const w = slot.worker;
    const id = ++this.seq;
    clearTimeout(slot.idle);
    slot.busy = true;
    w.ref(); // a task in flight keeps the process alive until it settles
    const finish = (settle: () => void, retire: boolean) => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      w.unref();
      if (retire) this.retire(slot);
      else slot.busy = false;
      settle();
      if (!this.closed) this.pump();
      if (!retire) this.idleFrom(slot);
    };
    const onMessage = (m: { id: number; retire?: boolean }) => {
      if (m.id !== id) return;
      const { id: _id, retire, ...res } = m;
      finish(() => task.resolve(res), !!retire);
    };
    const onError = (err: Error & { code?: string }) => {
      const memory = err.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory/i.test(err.message);
      finish(
        () => task.reject(new ThreadFailed(memory ? 'memory' : 'crashed', err.message.slice(0, 200))),
        true,
      );
    };
    const onExit = (code: number) =>
      finish(() => task.reject(new ThreadFailed('crashed', `thread exited with code ${code}`)), true);
    const timer = setTimeout(
      () => finish(() => task.reject(new ThreadFailed('timeout', `over ${task.timeoutMs} ms`)), true),
      task.timeoutMs,
    );
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage({ id, ...task.msg }, task.transfer);
  }
}

/** Thread side: the data the pool started this thread with. */
export function threadData<T>(): T {
  return ((globalThis as { __threadData?: unknown }).__threadData ?? workerData) as T;
}

/**
 * Thread side: answer each task with `handle`'s result. `handle` reports failures as results; a
 * throw is answered `{ ok: false }` so the pool is never left waiting.
 */
export function serveTasks<Req>(
  handle: (
    req: Req,
  ) => Promise<{ result: Record<string, unknown>; transfer?: ArrayBuffer[]; retire?: boolean }>,
): void {
  parentPort?.postMessage({ ready: true });
  parentPort?.on('message', async ({ id, ...req }: { id: number }) => {
    try {
      const { result, transfer, retire } = await handle(req as Req);
      parentPort!.postMessage({ id, ...result, ...(retire ? { retire } : {}) }, transfer ?? []);
    } catch (err) {
      parentPort!.postMessage({ id, ok: false, message: String(err).slice(0, 200) });
    }
  });
}
