// PDF text extraction in a worker thread (plain JS: it runs as-is from src/ and from dist/).
// One request at a time: { id, data, maxPages } -> { id, ok, text, pages } | { id, ok: false, kind, message }.
// pdf-parse 2 drops Japanese text silently unless it is told where pdfjs-dist's CMaps are.
import { parentPort, workerData } from 'node:worker_threads';
import { PDFParse } from 'pdf-parse';

const { cMapUrl, standardFontDataUrl } = workerData;
parentPort.postMessage({ ready: true }); // the pool's protocol (src/runtime/thread-pool.ts)
parentPort.on('message', async ({ id, data, maxPages }) => {
  let parser;
  try {
    parser = new PDFParse({
      data: new Uint8Array(data),
      cMapUrl,
      cMapPacked: true,
      standardFontDataUrl,
      verbosity: 0,
    });
    const result = await parser.getText({ first: maxPages });
    parentPort.postMessage({ id, ok: true, text: result.text, pages: result.total });
  } catch (err) {
    const kind = err?.name === 'PasswordException' ? 'encrypted' : 'broken';
    parentPort.postMessage({ id, ok: false, kind, message: String(err?.message ?? err).slice(0, 200) });
  } finally {
    await parser?.destroy().catch(() => undefined);
  }
});
