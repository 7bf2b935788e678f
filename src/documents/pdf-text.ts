import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONFIG_DIR } from '../config/load.js';
import { ThreadFailed, ThreadPool } from '../runtime/thread-pool.js';

/** Active content a PDF carries (pdf-active.mjs). */
export type PdfActive = 'javascript' | 'launch' | 'embedded-file' | 'rich-media' | 'xfa';

export type PdfText =
  | { ok: true; text: string; pages: number; active: PdfActive[] }
  | {
      ok: false;
      kind: 'encrypted' | 'broken' | 'timeout' | 'too-much-memory';
      message: string;
      /** What the structure showed even so (a file pdf.js cannot open may still carry a script). */
      active: PdfActive[];
    };

const require = createRequire(import.meta.url);
const PDFJS = path.dirname(require.resolve('pdfjs-dist/package.json'));
// A plain .mjs beside this file in src/ (dist/ holds compiled TS only): found from the project root.
const WORKER = path.join(path.dirname(CONFIG_DIR), 'src', 'documents', 'pdf-worker.mjs');

interface Opts {
  timeoutMs?: number;
  maxHeapMb?: number;
  /** Pages of text to read; 0 = none (only pages and active content). */
  maxPages?: number;
  /** `data` is the caller's to give away: moved to the thread, not copied (it is unusable after). */
  transfer?: boolean;
  /** Threads of the pool (documents.pdfThreads); 0 = one per core, at most 4. Fixed by the first call. */
  threads?: number;
}

// Long-lived threads (loading pdf.js is slow), one PDF at a time each; a second
// thread starts only when a PDF waits while the first is busy (ThreadPool starts them on demand).
const pools = new Map<number, ThreadPool<PdfText>>();
// Each thread loads its own pdf.js: on a many-core host, one per core would be dozens of them.
const DEFAULT_MAX_THREADS = 4;
// Documents come in bursts (a seeker's résumé and work history, minutes apart) and a thread keeps
// the heap its largest PDF grew: ended after this long without work, a fresh one (a few hundred
// ms to load pdf.js) reads the next.
const IDLE_MS = 60_000;

/**
 * The text of a PDF and the active content it carries, off the main thread, bounded in time and memory (the thread is terminated and
 * a fresh one serves the next PDF). Encrypted and broken PDFs are results, not errors: staff are
 * told, the pipeline goes on.
 */
export async function pdfText(data: Buffer, opts: Opts = {}): Promise<PdfText> {
  const heapMb = opts.maxHeapMb ?? 256;
  let pool = pools.get(heapMb);
  if (!pool) {
    pool = new ThreadPool<PdfText>({
      file: pathToFileURL(WORKER),
      size: opts.threads || Math.min(os.availableParallelism(), DEFAULT_MAX_THREADS),
      maxHeapMb: heapMb,
      idleMs: IDLE_MS,
      workerData: {
        cMapUrl: `${path.join(PDFJS, 'cmaps')}/`,
        standardFontDataUrl: `${path.join(PDFJS, 'standard_fonts')}/`,
      },
    });
    pools.set(heapMb, pool);
  }
  try {
    const own = opts.transfer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    return await pool.run(
      { data, maxPages: opts.maxPages ?? 50 },
      opts.timeoutMs ?? 20_000,
      own ? [data.buffer as ArrayBuffer] : [],
    );
  } catch (err) {
    if (!(err instanceof ThreadFailed)) throw err;
    const kind = err.kind === 'timeout' ? 'timeout' : err.kind === 'memory' ? 'too-much-memory' : 'broken';
    return { ok: false, kind, message: `PDF text extraction failed: ${err.message}`, active: [] };
  }
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
