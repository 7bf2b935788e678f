import { decodeCp932, isValidUtf8 } from '../inbound/charset.js';

export type Sniffed =
  | 'pdf'
  | 'docx'
  | 'xlsx'
  | 'docm'
  | 'xlsm'
  | 'doc'
  | 'xls'
  | 'ole-macro'
  | 'jpeg'
  | 'png'
  | 'heic'
  | 'text'
  | 'zip'
  | 'html'
  | 'exe'
  | 'unknown';

const starts = (b: Buffer, sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);
const has = (b: Buffer, s: string, enc: BufferEncoding = 'latin1') => b.includes(Buffer.from(s, enc));

/**
 * What the bytes are, whatever the name says. `zipNames`: the entry names when it is a zip (OOXML
 * is a zip: word/ or xl/ inside; a vbaProject.bin means macros).
 */
export function sniff(b: Buffer, zipNames?: string[]): Sniffed {
  const head = b.subarray(0, 1024);
  if (starts(b, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (starts(b, [0x50, 0x4b, 0x03, 0x04]) || starts(b, [0x50, 0x4b, 0x05, 0x06])) {
    const names = zipNames ?? [];
    const macro = names.some((n) => /vbaProject\.bin$/i.test(n));
    if (names.includes('[Content_Types].xml')) {
      if (names.some((n) => n.startsWith('word/'))) return macro ? 'docm' : 'docx';
      if (names.some((n) => n.startsWith('xl/'))) return macro ? 'xlsm' : 'xlsx';
    }
    return 'zip';
  }
  if (starts(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    // OLE compound file (Word 97-2003, Excel 97-2003): macros live in a _VBA_PROJECT stream.
    if (has(b, '_VBA_PROJECT', 'utf16le') || has(b, '_VBA_PROJECT')) return 'ole-macro';
    if (has(b, 'WordDocument', 'utf16le')) return 'doc';
    if (has(b, 'Workbook', 'utf16le') || has(b, 'Book', 'utf16le')) return 'xls';
    return 'unknown';
  }
  if (starts(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (
    b.subarray(4, 8).toString('latin1') === 'ftyp' &&
    /^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(b.subarray(8, 12).toString('latin1'))
  )
    return 'heic';
  if (starts(b, [0x4d, 0x5a])) return 'exe';
  if (has(head, '%PDF-')) return 'pdf'; // readers accept up to 1 KB of junk before the header
  const text = head
    .toString('latin1')
    .replace(/^\ufeff|^\xef\xbb\xbf/, '')
    .trimStart()
    .toLowerCase();
  if (/^<(!doctype html|html|head|body|script|svg|\?xml)/.test(text)) return 'html';
  const sample = b.subarray(0, 64 * 1024);
  if (!sample.includes(0) && (isValidUtf8(sample) || decodeCp932(sample).valid)) return 'text';
  return 'unknown';
}

/** Allowed kinds and the extensions a name may carry for each (RULES.md D1: application documents). */
export const ALLOWED: Partial<Record<Sniffed, string[]>> = {
  pdf: ['.pdf'],
  docx: ['.docx'],
  xlsx: ['.xlsx'],
  doc: ['.doc'],
  xls: ['.xls'],
  jpeg: ['.jpg', '.jpeg', '.jpe'],
  png: ['.png'],
  heic: ['.heic', '.heif'],
  text: ['.txt', '.csv', '.text'],
  zip: ['.zip'],
};
