// PDF text extraction in a worker thread (plain JS: it runs as-is from src/ and from dist/).
// pdf-parse 2 drops Japanese text silently unless it is told where pdfjs-dist's CMaps are.
import { parentPort, workerData } from 'node:worker_threads';
import { PDFParse } from 'pdf-parse';

const { data, cMapUrl, standardFontDataUrl, maxPages } = workerData;
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
  parentPort.postMessage({ ok: true, text: result.text, pages: result.total });
} catch (err) {
  parentPort.postMessage({
    ok: false,
    kind: err?.name === 'PasswordException' ? 'encrypted' : 'broken',
    message: String(err?.message ?? err).slice(0, 200),
  });
} finally {
  await parser?.destroy().catch(() => undefined);
}
