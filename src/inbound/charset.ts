import { TextDecoder } from 'node:util';
import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';

// Charset decoding for what Japanese phones and PCs really send. The traps, each seen in the corpus:
// - carrier Shift_JIS carries emoji in CP932's user-defined area (lead bytes F0-F9). iconv-lite's
//   cp932 lacks that area and yields U+FFFD; Windows maps it to the Private Use Area, so do we;
// - "Shift_JIS" labels mean CP932 in practice (NEC/IBM extensions such as ①, ㈱, 髙);
// - raw 8-bit header bytes may be Shift_JIS, UTF-8 or Windows-1252;
// - ISO-2022-JP text arrives without a charset label (JIS escapes in a "us-ascii" part);
// - labels iconv-lite does not know (x-unknown, ks_c_5601-1987 spelt oddly) must not crash.

const SJIS_LABELS = new Set([
  'shiftjis',
  'sjis',
  'xsjis',
  'cp932',
  'ms932',
  'windows31j',
  'mskanji',
  'csshiftjis',
]);
const JIS_LABELS = new Set(['iso2022jp', 'csiso2022jp', 'iso2022jp1', 'iso2022jp2', 'iso2022jp3', 'jis']);
const EUC_LABELS = new Set(['eucjp', 'xeucjp', 'cseucpkdfmtjapanese']);
const ALIASES: Record<string, string> = { ksc56011987: 'cp949', ksc5601: 'cp949', xgbk: 'gbk' };

const norm = (label: string) => label.toLowerCase().replace(/[^a-z0-9]/g, '');
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function isValidUtf8(buf: Uint8Array): boolean {
  try {
    utf8Strict.decode(buf);
    return true;
  } catch {
    return false;
  }
}

const isLead = (b: number) => (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc);
const isTrail = (b: number) => b >= 0x40 && b <= 0xfc && b !== 0x7f;

/** Shift_JIS/CP932 → text. User-defined area (F040-F9FC) → U+E000.. as Windows does. */
export function decodeCp932(buf: Uint8Array): { text: string; valid: boolean } {
  let out = '';
  let valid = true;
  let start = 0;
  const flush = (end: number) => {
    if (end > start) out += iconv.decode(Buffer.from(buf.subarray(start, end)), 'cp932');
  };
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (!isLead(b)) {
      if (b >= 0x80 && !(b >= 0xa1 && b <= 0xdf)) valid = false;
      continue;
    }
    const t = buf[i + 1];
    if (t === undefined || !isTrail(t)) {
      valid = false;
      continue;
    }
    if (b >= 0xf0 && b <= 0xf9) {
      flush(i);
      out += String.fromCharCode(0xe000 + (b - 0xf0) * 188 + (t - 0x40 - (t >= 0x80 ? 1 : 0)));
      start = i + 2;
    }
    i++;
  }
  flush(buf.length);
  if (out.includes('\uFFFD')) valid = false;
  return { text: out, valid };
}

/** ISO-2022-JP (with JIS X 0212 and CP932 extensions, as encoding-japanese reads them). */
export function decodeJis(buf: Uint8Array): string {
  return Encoding.convert(Array.from(buf), { from: 'JIS', to: 'UNICODE', type: 'string' }) as string;
}

const hasJisEscape = (buf: Uint8Array) => {
  for (let i = 0; i + 2 < buf.length; i++) {
    if (buf[i] === 0x1b && buf[i + 1] === 0x24 && (buf[i + 2] === 0x42 || buf[i + 2] === 0x40)) return true;
  }
  return false;
};

/** Decode bytes labelled `label` (may be empty, wrong or unknown). Never throws. */
export function decodeBytes(buf: Uint8Array, label = ''): string {
  const n = ALIASES[norm(label)] ?? norm(label);
  if (SJIS_LABELS.has(n)) return decodeCp932(buf).text;
  if (JIS_LABELS.has(n) || (hasJisEscape(buf) && !/[\x80-\xff]/.test(Buffer.from(buf).toString('latin1'))))
    return decodeJis(buf);
  if (EUC_LABELS.has(n))
    return Encoding.convert(Array.from(buf), { from: 'EUCJP', to: 'UNICODE', type: 'string' }) as string;
  if (n === '' || n === 'usascii' || n === 'ascii' || n === 'utf8' || !iconv.encodingExists(n))
    return guessBytes(buf);
  try {
    return iconv.decode(Buffer.from(buf), n);
  } catch {
    return guessBytes(buf);
  }
}

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/g;

/**
 * Unlabelled bytes (raw 8-bit headers and filenames, unknown labels): ISO-2022-JP escapes, else
 * UTF-8, else CP932, else Windows-1252. `japaneseHint` false (the mail declares no Japanese
 * charset): CP932 wins only when it reads as at least two Japanese characters, since a short
 * Latin-1 word can also be valid CP932 ("ci\xEBle" must stay "ciële").
 */
export function guessBytes(buf: Uint8Array, japaneseHint = true): string {
  if (hasJisEscape(buf)) return decodeJis(buf);
  if (isValidUtf8(buf)) return Buffer.from(buf).toString('utf8');
  const sjis = decodeCp932(buf);
  if (sjis.valid && (japaneseHint || (sjis.text.match(JAPANESE)?.length ?? 0) >= 2)) return sjis.text;
  return iconv.decode(Buffer.from(buf), 'windows-1252');
}
