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

/**
 * The text of a PDF, off the main thread, bounded: a worker with its own heap limit, terminated
 * after `timeoutMs`. Encrypted and broken PDFs are results, not errors: staff are told, the
 * pipeline goes on.
 */
export function pdfText(
  data: Buffer,
  opts: { timeoutMs?: number; maxHeapMb?: number; maxPages?: number } = {},
): Promise<PdfText> {
  return new Promise((resolve) => {
    const w = new Worker(WORKER, {
      workerData: {
        data,
        cMapUrl: `${path.join(PDFJS, 'cmaps')}/`,
        standardFontDataUrl: `${path.join(PDFJS, 'standard_fonts')}/`,
        maxPages: opts.maxPages ?? 50,
      },
      resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 256 },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const done = (r: PdfText) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void w.terminate();
      resolve(r);
    };
    const timer = setTimeout(
      () => done({ ok: false, kind: 'timeout', message: 'PDF text extraction timed out' }),
      opts.timeoutMs ?? 20_000,
    );
    w.on('message', (m: PdfText) => done(m));
    w.on('error', (err) =>
      done({
        ok: false,
        kind: /memory/i.test(String(err)) ? 'too-much-memory' : 'broken',
        message: String(err).slice(0, 200),
      }),
    );
    w.on('exit', () => done({ ok: false, kind: 'broken', message: 'PDF worker exited' }));
  });
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
