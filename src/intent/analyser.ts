import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { threadModule } from '../runtime/thread-pool.js';
import type { AnalyserThreadData } from './analyser-thread.js';
import type { Token, Tokenize } from './tokenizer.js';

// The analyser's dictionary (IPADIC inside Lindera's WASM) holds about 150 MB of a process's
// memory for good once loaded: WASM memory never shrinks. An inbound worker that kept it resident
// sat at 289 MB before any mail and peaked at 463 MB on a 25 MB attachment (issue #5: < 300 MB).
// In a thread, it is loaded when a mail needs it and returned to the system when the thread ends.

/** How long a thread may take to load the dictionary and answer its first sentence. */
const FIRST_ANSWER_MS = 60_000;
/** One sentence (sentences are capped in length: read.ts MAX_SENTENCE) takes well under 10 ms. */
const ANSWER_MS = 20_000;

interface Running {
  worker: Worker;
  port: MessagePort;
  /** [0]: the number of the last answer posted. */
  answered: Int32Array;
  loaded: Promise<void>;
  isLoaded: boolean;
  asked: number;
}

/** Thrown by `withAnalyser`'s first reading at the first sentence that needs the analyser. */
class NotLoaded extends Error {}

/**
 * `read` with the analyser, loaded without blocking the event loop: read first with one that
 * stops at the first sentence needing it (most mails have none: nothing is loaded); if one did,
 * wait until the thread is ready, then read again.
 */
export async function withAnalyser<T>(a: AnalyserThread, read: (tokenize: Tokenize) => T): Promise<T> {
  if (!a.loaded)
    try {
      return read(() => {
        throw new NotLoaded();
      });
    } catch (err) {
      if (!(err instanceof NotLoaded)) throw err;
      await a.ready();
    }
  return read(a.tokenize);
}

/**
 * The morphological analyser in a worker thread, called synchronously: the intent rules
 * (src/intent/) read tokens sentence by sentence, inside synchronous code. The caller blocks on
 * `Atomics.wait` while the thread tokenizes, as long as the same call in this thread would take;
 * the answer is taken off the port with `receiveMessageOnPort`, without the event loop.
 * Started on first use (call `ready()` first to load without blocking), ended after `idleMs`
 * without a call.
 */
export class AnalyserThread {
  private running?: Running;
  private lastUsed = 0;
  private idleTimer?: NodeJS.Timeout;

  constructor(private readonly idleMs = 60_000) {}

  /** Whether a thread is running (started or starting). */
  get started(): boolean {
    return !!this.running;
  }

  /** Whether a thread is running with its dictionary loaded. */
  get loaded(): boolean {
    return !!this.running?.isLoaded;
  }

  /** Start the thread if needed and wait, without blocking, until its dictionary is loaded. */
  ready(): Promise<void> {
    return this.thread().loaded;
  }

  readonly tokenize: Tokenize = (text) => {
    const t = this.thread();
    const seq = ++t.asked;
    t.port.postMessage({ seq, text });
    const deadline = Date.now() + (seq === 1 ? FIRST_ANSWER_MS : ANSWER_MS);
    for (let seen = Atomics.load(t.answered, 0); seen !== seq; seen = Atomics.load(t.answered, 0)) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(t.answered, 0, seen, left) === 'timed-out') {
        this.end();
        throw new Error('the analyser thread did not answer in time');
      }
    }
    const answer = receiveMessageOnPort(t.port)?.message as { tokens?: Token[]; error?: string } | undefined;
    this.lastUsed = Date.now();
    if (!answer?.tokens) {
      this.end(); // a WASM trap may leave the analyser unusable: the next call starts afresh
      throw new Error(`the analyser failed: ${answer?.error ?? 'no answer'}`);
    }
    return answer.tokens;
  };

  async close(): Promise<void> {
    await this.end();
  }

  private thread(): Running {
    if (this.running) return this.running;
    const { port1, port2 } = new MessageChannel();
    const answered = new Int32Array(new SharedArrayBuffer(4));
    const file = threadModule(import.meta.url, 'analyser-thread');
    const data: AnalyserThreadData = { port: port2, answered };
    const fromSource = file.pathname.endsWith('.ts');
    const worker = new Worker(
      fromSource ? new URL('../runtime/thread-from-source.mjs', import.meta.url) : file,
      {
        workerData: fromSource ? { file: file.href, workerData: data } : data,
        transferList: [port2],
        stdout: true,
        stderr: true,
      },
    );
    worker.unref();
    const loaded = new Promise<void>((resolve, reject) => {
      worker.once('message', () => {
        t.isLoaded = true;
        resolve();
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the analyser thread exited (${code})`)));
    });
    loaded.catch(() => undefined);
    // A thread that dies between calls is started again by the next one.
    const t: Running = { worker, port: port1, answered, loaded, isLoaded: false, asked: 0 };
    worker.on('error', () => this.running === t && this.end());
    worker.on('exit', () => this.running === t && this.end());
    this.running = t;
    this.lastUsed = Date.now();
    this.idleCheck();
    return t;
  }

  private idleCheck(): void {
    clearTimeout(this.idleTimer);
    const wait = this.lastUsed + this.idleMs - Date.now();
    this.idleTimer = setTimeout(
      () => {
        if (!this.running) return;
        if (Date.now() - this.lastUsed >= this.idleMs) void this.end();
        else this.idleCheck();
      },
      Math.max(wait, 10),
    ).unref();
  }

  private end(): Promise<number | undefined> {
    clearTimeout(this.idleTimer);
    const t = this.running;
    this.running = undefined;
    if (!t) return Promise.resolve(undefined);
    t.port.close();
    return t.worker.terminate();
  }
}
