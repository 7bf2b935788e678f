import type { Config } from '../config/schema.js';
import type { RefusalReason } from './checks.js';
import type { PdfActive, PdfText } from './pdf-text.js';

type PdfPolicy = Config['documents']['pdf'];

// Worst first: the reason the seeker is given is the most dangerous thing found.
const ORDER: Array<[PdfActive, keyof PdfPolicy, RefusalReason]> = [
  ['launch', 'launch', 'pdf-launch'],
  ['javascript', 'javascript', 'pdf-javascript'],
  ['embedded-file', 'embeddedFile', 'pdf-embedded-file'],
  ['rich-media', 'richMedia', 'pdf-rich-media'],
  ['xfa', 'xfa', 'pdf-xfa'],
];

/**
 * Issue #13: whether a PDF reaches the staff member (config documents.pdf, refuse by default). A PDF
 * that needs a password to open is refused like a PPAP zip, and so is one whose reading was stopped
 * at the time or memory limit (unchecked); one pdf.js cannot read for any other reason is forwarded,
 * marked "could not be read", unless its structure shows active content.
 */
export function pdfRefusal(t: PdfText, policy: PdfPolicy): RefusalReason | undefined {
  if (!t.ok && t.kind === 'encrypted' && policy.encrypted === 'refuse') return 'pdf-encrypted';
  // Killed at the time or memory limit: nothing is known of what it carries (the safe side).
  if (!t.ok && (t.kind === 'timeout' || t.kind === 'too-much-memory')) return 'pdf-unchecked';
  return ORDER.find(([kind, key]) => t.active.includes(kind) && policy[key] === 'refuse')?.[2];
}
