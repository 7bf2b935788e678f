import type { Config } from '../config/schema.js';
import { type ErrorCode, MadoguchiError } from '../errors.js';
import { ThreadFailed, ThreadPool, threadModule } from '../runtime/thread-pool.js';
import { everyPart, type MailParser, type ParsedMail } from './parse.js';
import type { ParseThreadData } from './parse-thread.js';

type Answer = { ok: true; mail: ParsedMail } | { ok: false; code?: ErrorCode; message: string };

/**
 * Parsing in worker threads (inbound.parseThreads), each bounded for real: a parse still running
 * at inbound.parseTimeoutMs is killed with its thread, one over inbound.parseHeapMb dies of it.
 * Either way the mail is quarantined and the next one is parsed by a fresh thread. The threads also
 * take the parsing off the worker's event loop, which keeps serving Redis and IMAP meanwhile.
 */
export function parseThreads(config: Readonly<Config>): {
  parse: MailParser;
  warm(): void;
  /** Threads running now (a thread that parsed a large mail is ended: parse-thread.ts). */
  readonly threads: number;
  close(): Promise<void>;
} {
  const data: ParseThreadData = {
    dataDir: config.dataDir,
    storage: config.storage,
    maxBytes: config.inbound.maxMailBytes,
  };
  const pool = new ThreadPool<Answer>({
    file: threadModule(import.meta.url, 'parse-thread'),
    size: config.inbound.parseThreads,
    maxHeapMb: config.inbound.parseHeapMb,
    workerData: data,
  });
  const parse: MailParser = async (hash, opts = {}) => {
    let answer: Answer;
    try {
      answer = await pool.run({ hash, opts }, config.inbound.parseTimeoutMs);
    } catch (err) {
      if (err instanceof ThreadFailed && err.kind === 'timeout')
        throw new MadoguchiError('MAIL_PARSE_TIMEOUT', `parse took over ${config.inbound.parseTimeoutMs} ms`);
      if (err instanceof ThreadFailed && err.kind === 'memory')
        throw new MadoguchiError('MAIL_PARSE_MEMORY', `parse needed over ${config.inbound.parseHeapMb} MB`);
      throw err; // a thread ended otherwise (shutdown): retried
    }
    // A code is the mail's fault; none means the spool could not be read (the disk): retried.
    if (!answer.ok)
      throw answer.code ? new MadoguchiError(answer.code, answer.message) : new Error(answer.message);
    // Bytes cross threads as plain Uint8Arrays: Buffers again, without copying.
    for (const a of everyPart(answer.mail))
      a.content = Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength);
    return answer.mail;
  };
  return {
    parse,
    warm: () => pool.warm(),
    get threads() {
      return pool.threads;
    },
    close: () => pool.close(),
  };
}
