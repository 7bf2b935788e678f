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
  // Its own copy for the structure: pdf.js takes ownership of (detaches) the buffer it is given.
  const bytes = new Uint8Array(data);
  try {
    parser = new PDFParse({
      data: new Uint8Array(data),
      cMapUrl,
      cMapPacked: true,
      standardFontDataUrl,
      verbosity: 0,
    });
    const doc = await parser.load();
    const active = union(await pdfjsActive(doc), await structureActive(bytes));
    if (maxPages === 0) {
      parentPort.postMessage({ id, ok: true, text: '', pages: doc.numPages, active });
      return;
    }
    const result = await parser.getText({ first: maxPages });
    parentPort.postMessage({ id, ok: true, text: result.text, pages: result.total, active });
  } catch (err) {
    const kind = err?.name === 'PasswordException' ? 'encrypted' : 'broken';
    // A file pdf.js cannot open may still carry a script: its structure is read all the same.
    const active = await structureActive(bytes);
    parentPort.postMessage({
      id,
      ok: false,
      kind,
      message: String(err?.message ?? err).slice(0, 200),
      active,
    });
  } finally {
    await parser?.destroy().catch(() => undefined);
  }
});
