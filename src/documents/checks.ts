import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { InboundPart } from '../inbound/parse.js';
import { clamdScan } from './clamd.js';
import { extOf, safeFilename } from './filename.js';
import { ooxmlExternal } from './ooxml.js';
import { ALLOWED, type Sniffed, sniff } from './sniff.js';
import { inspectZip, zipEntryNames } from './zip.js';

export type RefusalReason =
  | 'type-not-allowed'
  | 'macro-enabled'
  | 'name-content-mismatch'
  | 'file-too-large'
  | 'mail-too-large'
  | 'zip-encrypted'
  | 'zip-too-many-entries'
  | 'zip-too-large'
  | 'zip-bomb'
  | 'zip-nested'
  | 'zip-broken'
  | 'zip-content-not-allowed'
  | 'tnef-resend'
  | 'pdf-javascript'
  | 'pdf-launch'
  | 'pdf-embedded-file'
  | 'pdf-rich-media'
  | 'pdf-xfa'
  | 'pdf-encrypted'
  | 'pdf-unchecked'
  | 'office-external'
  | 'virus'
  | 'scan-unavailable'
  | 'empty';

export interface Checked {
  /** Safe name (basename, no control/bidi characters, NFC, capped) and the one the seeker sent. */
  filename: string;
  originalName: string;
  kind: Sniffed;
  size: number;
  sha256: string;
  /** The content, or its first 64 KB when `blob` is set (already in the document store). */
  content: Buffer;
  blob?: string;
  refused?: RefusalReason;
  /** Zip: what is inside (names decoded from CP932 when not UTF-8). */
  entries?: Array<{ name: string; size: number; kind: Sniffed }>;
}

type DocumentsConfig = Config['documents'];

const EXT_FOR: Partial<Record<Sniffed, string>> = {
  pdf: '.pdf',
  docx: '.docx',
  xlsx: '.xlsx',
  doc: '.doc',
  xls: '.xls',
  jpeg: '.jpg',
  png: '.png',
  heic: '.heic',
  text: '.txt',
  zip: '.zip',
};

const isTnef = (p: InboundPart) => /ms-tnef/i.test(p.contentType) || /^winmail\.dat$/i.test(p.filename);

/**
 * Check every candidate document of one mail (RULES.md D1, P5): allowed by sniffed content, never
 * by name; name and content agree; size caps per file and per mail; zips inspected; optional clamd
 * scan (fail closed). Refused files stay listed with the reason, for the acknowledgement.
 */
export async function checkParts(
  parts: InboundPart[],
  cfg: DocumentsConfig,
  load?: (blob: string) => Promise<Buffer>,
): Promise<Checked[]> {
  const out: Checked[] = [];
  let mailBytes = 0;
  for (const p of parts) {
    const content = p.content;
    // The parser already hashed every part (a spilled one is named by its hash; its `content` is
    // only its head); hash here only parts built elsewhere.
    const sha256 = p.blob ?? (p.sha256 || createHash('sha256').update(content).digest('hex'));
    const size = p.blob ? p.size : content.length;
    const whole = async () => (p.blob && load ? load(p.blob) : content);
    const base = { originalName: p.filename, size, sha256, content, ...(p.blob ? { blob: p.blob } : {}) };
    if (isTnef(p)) {
      out.push({
        ...base,
        filename: safeFilename(p.filename || 'winmail.dat'),
        kind: 'unknown',
        refused: 'tnef-resend',
      });
      continue;
    }
    const zipNames =
      content.subarray(0, 2).toString('latin1') === 'PK' ? await zipEntryNames(content) : undefined;
    const kind = sniff(content, zipNames);
    const filename = safeFilename(p.filename, EXT_FOR[kind] ?? '');
    const c: Checked = { ...base, filename, kind };
    mailBytes += size;
    c.refused = await refusal(c, p, cfg, mailBytes);
    if (!c.refused && kind === 'zip') {
      const v = await inspectZip(await whole(), cfg.zip);
      c.entries = v.entries;
      if (!v.ok) c.refused = v.reason;
      else if (v.entries.some((e) => !ALLOWED[e.kind] || e.kind === 'zip'))
        c.refused = 'zip-content-not-allowed';
    }
    // Office files that load a template or object from elsewhere when opened (template injection).
    if (!c.refused && (kind === 'docx' || kind === 'xlsx') && (await ooxmlExternal(await whole())).length)
      c.refused = 'office-external';
    if (!c.refused && cfg.clamd) {
      const r = await clamdScan(await whole(), cfg.clamd);
      if (r === 'unavailable') c.refused = 'scan-unavailable';
      else if (r !== 'clean') c.refused = 'virus';
    }
    out.push(c);
  }
  return out;
}

async function refusal(
  c: Checked,
  p: InboundPart,
  cfg: DocumentsConfig,
  mailBytes: number,
): Promise<RefusalReason | undefined> {
  if (c.size === 0) return 'empty';
  if (c.kind === 'docm' || c.kind === 'xlsm' || c.kind === 'ole-macro') return 'macro-enabled';
  if (/macroEnabled/i.test(p.contentType) || /\.(docm|xlsm|pptm|dotm|xltm)$/i.test(c.filename))
    return 'macro-enabled';
  const allowed = ALLOWED[c.kind];
  if (!allowed) return 'type-not-allowed';
  const ext = extOf(c.filename);
  if (ext && !allowed.includes(ext)) return 'name-content-mismatch';
  if (c.size > cfg.maxFileBytes) return 'file-too-large';
  if (mailBytes > cfg.maxMailBytes) return 'mail-too-large';
  return undefined;
}
