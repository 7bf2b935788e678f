import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CONFIG_DIR } from '../config/load.js';

export type PdfText =
  | { ok: true; text: string; pages: number }
  | { ok: false; kind: 'encrypted' | 'broken' | 'timeout' | 'too-much-memory'; message: string };

const require = createRequire(import.meta.url);
const PDFJS = path.dirname(require.resolve('pdfjs-dist/package.json'));
// A plain .mjs beside this file in src/ (dist/ holds compiled TS only): found from the project root.
const WORKER = path.join(path.dirname(CONFIG_DIR), 'src', 'documents', 'pdf-worker.mjs');

interface Opts {
  timeoutMs?: number;
  maxHeapMb?: number;
  maxPages?: number;
}

/**
 * One long-lived worker thread (loading pdf.js costs about a second), one PDF at a time, each
 * bounded: a heap limit on the worker, and a timeout after which the worker is terminated and a
 * fresh one serves the next request.
 */
class PdfWorker {
  private worker: Worker | undefined;
  private heapMb = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private seq = 0;

  private spawn(heapMb: number): Worker {
    if (this.worker && this.heapMb === heapMb) return this.worker;
    void this.worker?.terminate();
    this.heapMb = heapMb;
    this.worker = new Worker(WORKER, {
      workerData: {
        cMapUrl: `${path.join(PDFJS, 'cmaps')}/`,
        standardFontDataUrl: `${path.join(PDFJS, 'standard_fonts')}/`,
      },
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
      stdout: true,
      stderr: true,
    });
    this.worker.unref(); // never keeps a process alive
    return this.worker;
  }

  run(data: Buffer, opts: Opts): Promise<PdfText> {
    const next = this.chain.then(() => this.once(data, opts));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private once(data: Buffer, opts: Opts): Promise<PdfText> {
    const w = this.spawn(opts.maxHeapMb ?? 256);
    const id = ++this.seq;
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: PdfText, kill = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        if (kill || (r.ok === false && r.kind !== 'encrypted' && r.kind !== 'broken')) {
          void w.terminate();
          if (this.worker === w) this.worker = undefined;
        }
        resolve(r);
      };
      const onMessage = (m: PdfText & { id: number }) => {
        if (m.id !== id) return;
        const { id: _id, ...r } = m;
        done(r as PdfText);
      };
      const onError = (err: Error) =>
        done(
          {
            ok: false,
            kind: /memory/i.test(String(err)) ? 'too-much-memory' : 'broken',
            message: String(err).slice(0, 200),
          },
          true,
        );
      const onExit = () => done({ ok: false, kind: 'too-much-memory', message: 'PDF worker exited' }, true);
      const timer = setTimeout(
        () => done({ ok: false, kind: 'timeout', message: 'PDF text extraction timed out' }, true),
        opts.timeoutMs ?? 20_000,
      );
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ id, data, maxPages: opts.maxPages ?? 50 });
    });
  }
}

const pool = new PdfWorker();

/**
 * The text of a PDF, off the main thread, bounded in time and memory. Encrypted and broken PDFs
 * are results, not errors: staff are told, the pipeline goes on.
 */
export function pdfText(data: Buffer, opts: Opts = {}): Promise<PdfText> {
  return pool.run(data, opts);
}

/** What a document is, from its text (the words Japanese application documents carry). */
export function documentKind(text: string): '履歴書' | '職務経歴書' | '送付状' | 'other' {
  const t = text.normalize('NFKC').replace(/\s+/g, '');
  if (t.includes('職務経歴書')) return '職務経歴書';
  if (t.includes('履歴書')) return '履歴書';
  if (/送付状|添え状|送付のご案内/.test(t)) return '送付状';
  return 'other';
}

/** A job-seeker number (B6: 5 digits, dash, 8 digits; full-width and dash variants allowed). */
export function seekerNumberIn(text: string): string | undefined {
  const m = /(\d{5})\s*[-‐－ー―]\s*(\d{8})/.exec(text.normalize('NFKC'));
  return m ? `${m[1]}-${m[2]}` : undefined;
}
