// Active content in a PDF, read from its object structure (issue #13): every indirect object,
// including those packed in compressed object streams, walked with their nested dictionaries and
// arrays. A byte grep misses what object streams hide; this does not. Plain JS: it runs in the PDF
// worker thread as-is from src/ (see pdf-worker.mjs), and pdf-lib reads only structure, never renders.
//   javascript      /S /JavaScript, a /JS entry (document, page, annotation, form field actions)
//   launch          /S /Launch (runs a program or opens a file)
//   embedded-file   /EmbeddedFile(s), /FileAttachment annotations, /GoToE into an embedded file
//   rich-media      /RichMedia annotations (Flash, video with scripts)
//   xfa             an /XFA form (its own scripting and data model)
// An /OpenAction that only goes to a page or prints is none of these and is accepted.
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFStream } from '@cantoo/pdf-lib';

const N = (s) => PDFName.of(s);
const nameOf = (v) => (v instanceof PDFName ? v.asString() : undefined);

// pdf-lib reads a file from start to end, and skips bytes that are no object one by one, slowly
// (junk appended to a PDF made the documents bench ~5x slower). Nothing after the last %%EOF is part of the document (ISO 32000
// §7.5.5; readers ignore it), so the walk stops there: junk appended to a PDF costs nothing.
const EOF = Buffer.from('%%EOF');
const documentPart = (bytes) => {
  const end = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).lastIndexOf(EOF);
  return end < 0 ? bytes : bytes.subarray(0, end + EOF.length);
};

/** The kinds of active content found, sorted; [] when none (or when the structure cannot be read). */
export async function structureActive(bytes) {
  let doc;
  try {
    doc = await PDFDocument.load(documentPart(bytes), {
      ignoreEncryption: true,
      throwOnInvalidObject: false,
      updateMetadata: false,
    });
  } catch {
    return [];
  }
  const found = new Set();
  const seen = new Set();
  const stack = doc.context.enumerateIndirectObjects().map(([, o]) => o);
  // Iterative, with a visited set: cyclic and deeply nested structures are common in fuzzed files.
  while (stack.length) {
    const o = stack.pop();
    if (!o || seen.has(o)) continue;
    seen.add(o);
    if (o instanceof PDFArray) {
      for (let i = 0; i < o.size(); i++) stack.push(o.get(i));
      continue;
    }
    const dict = o instanceof PDFDict ? o : o instanceof PDFStream ? o.dict : undefined;
    if (!dict) continue;
    const s = nameOf(dict.get(N('S')));
    const type = nameOf(dict.get(N('Type')));
    const subtype = nameOf(dict.get(N('Subtype')));
    if (s === '/JavaScript' || dict.has(N('JS'))) found.add('javascript');
    if (s === '/Launch') found.add('launch');
    if (
      s === '/GoToE' ||
      type === '/EmbeddedFile' ||
      dict.has(N('EmbeddedFiles')) ||
      subtype === '/FileAttachment'
    )
      found.add('embedded-file');
    if (subtype === '/RichMedia' || dict.has(N('RichMediaContent'))) found.add('rich-media');
    if (dict.has(N('XFA'))) found.add('xfa');
    for (const [, v] of dict.entries()) stack.push(v);
  }
  return [...found].sort();
}

/**
 * What pdf.js itself reports of a document it opened (it decrypts an owner-password-only file,
 * whose object streams pdf-lib cannot read): document JavaScript, attachments, XFA, form actions.
 */
export async function pdfjsActive(doc) {
  const found = new Set();
  const safe = async (f) => {
    try {
      return await f();
    } catch {
      return undefined;
    }
  };
  const js = await safe(() => doc.getJSActions());
  if (js && Object.keys(js).length) found.add('javascript');
  const scripts = await safe(() => doc.getJavaScript?.());
  if (scripts?.length) found.add('javascript');
  const att = await safe(() => doc.getAttachments());
  if (att && Object.keys(att).length) found.add('embedded-file');
  const meta = await safe(() => doc.getMetadata());
  if (meta?.info?.IsXFAPresent || doc.isPureXfa) found.add('xfa');
  const fields = await safe(() => doc.getFieldObjects());
  if (
    fields &&
    Object.values(fields).some((list) => list?.some?.((f) => f?.actions && Object.keys(f.actions).length))
  )
    found.add('javascript');
  return [...found].sort();
}
