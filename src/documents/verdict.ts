import type { Config } from '../config/schema.js';
import { documentParts } from '../inbound/intent.js';
import { FORWARDED, type InboundPart, type ParsedMail } from '../inbound/parse.js';
import type { BlobStore } from '../storage/encrypted-store.js';
import { type Checked, checkParts } from './checks.js';
import { pdfRefusal } from './pdf-policy.js';
import { type PdfText, pdfText } from './pdf-text.js';

/**
 * Candidate documents of a mail: every non-body part (inline photos of a résumé too), and the
 * parts of a forwarded message/rfc822, one level down (opened by the parse, see parseMail).
 */
export function candidateParts(m: ParsedMail): InboundPart[] {
  return documentParts(m.attachments).flatMap((p) =>
    FORWARDED.test(p.contentType) && !p.blob ? documentParts(p.forwarded ?? []) : [p],
  );
}

export interface Verdict extends Checked {
  /** A PDF's text and structure (read in the PDF thread); absent for other kinds and refusals. */
  pdf?: PdfText;
  /** Over PDF_TEXT_MAX_BYTES: opened for structure and pages, its text not read. */
  large?: boolean;
}

// Text is read from PDFs up to this size: a larger one is a scan (images), and pdf.js would hold
// the whole of it, several times, in the worker's heap. Larger ones are still opened for their
// structure and page count.
const PDF_TEXT_MAX_BYTES = 10 * 1024 * 1024;

/**
 * The document checks' verdict on every candidate part of a mail, in order: the file checks
 * (checks.ts), then every PDF opened for what it carries (issue #13) under documents.pdf. One
 * implementation for storing a seeker's documents and for showing a triaged mail's files.
 */
export async function verdicts(
  deps: { config: Readonly<Config>; blobs: BlobStore },
  parsed: ParsedMail,
): Promise<Verdict[]> {
  const checked = await checkParts(candidateParts(parsed), deps.config.documents, (b) => deps.blobs.get(b));
  // The PDFs of a mail are read at once, each in a thread of the pool (documents.pdfThreads).
  return Promise.all(
    checked.map(async (c): Promise<Verdict> => {
      if (c.refused || c.kind !== 'pdf') return c;
      const data = c.blob ? await deps.blobs.get(c.blob) : c.content;
      const large = data.length > PDF_TEXT_MAX_BYTES;
      // A file loaded from the store here is ours alone: moved to the PDF thread, not copied.
      const t = await pdfText(data, {
        maxPages: large ? 0 : 50,
        transfer: !!c.blob,
        threads: deps.config.documents.pdfThreads,
      });
      const refused = pdfRefusal(t, deps.config.documents.pdf);
      return refused ? { ...c, refused } : { ...c, pdf: t, large };
    }),
  );
}
