// PDF reading in a worker thread (plain JS: it runs as-is from src/ and from dist/).
// One request at a time: { id, data, maxPages } -> { id, ok, text, pages, active }
// | { id, ok: false, kind, message, active }. maxPages 0 = no text, only what the PDF carries.
// pdf-parse 2 drops Japanese text silently unless it is told where pdfjs-dist's CMaps are.
import { parentPort, workerData } from 'node:worker_threads';
import { PDFParse } from 'pdf-parse';
import { pdfjsActive, structureActive } from './pdf-active.mjs';

const { cMapUrl, standardFontDataUrl } = workerData;
const union = (a, b) => [...new Set([...a, ...b])].sort();
parentPort.postMessage({ ready: true }); // the pool's protocol (src/runtime/thread-pool.ts)
parentPort.on('message', async ({ id, data, maxPages }) => {
  let parser;
  // The structure is read first, from the bytes as they came (no copy: a 25 MB scan is held once);
  // pdf.js then takes ownership of (detaches) that same buffer.
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const structure = await structureActive(bytes);
  try {
    parser = new PDFParse({
      data: bytes,
      cMapUrl,
      cMapPacked: true,
      standardFontDataUrl,
      verbosity: 0,
    });
    const doc = await parser.load();
    const active = union(structure, await pdfjsActive(doc));
    if (maxPages === 0) {
      parentPort.postMessage({ id, ok: true, text: '', pages: doc.numPages, active });
      return;
    }
    const result = await parser.getText({ first: maxPages });
    parentPort.postMessage({ id, ok: true, text: result.text, pages: result.total, active });
  } catch (err) {
    const kind = err?.name === 'PasswordException' ? 'encrypted' : 'broken';
    // A file pdf.js cannot open may still carry a script: what its structure showed is kept.
    const message = String(err?.message ?? err).slice(0, 200);
    parentPort.postMessage({ id, ok: false, kind, message, active: structure });
  } finally {
    await parser?.destroy().catch(() => undefined);
  }
});
