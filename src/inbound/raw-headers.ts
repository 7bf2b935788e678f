import { decodeBytes, guessBytes } from './charset.js';

// The header block as bytes. mailparser decodes raw 8-bit header bytes before we see them, so a
// Shift_JIS subject or filename sent without encoded-words (older Japanese mailers, docomo) can only
// be recovered from here.

/** Header blocks are capped at 64 KB by the parser; no header block is searched beyond this. */
const HEAD_LIMIT = 256 * 1024;

/**
 * The top-level header block (CRLF, LF or CR-only line ends), unfolded, as [name, raw bytes].
 * Only the block itself becomes a string: a 5 MB mail is not converted to find its end.
 */
export function rawHeaders(raw: Buffer): Array<[string, Buffer]> {
  const region = raw.subarray(0, HEAD_LIMIT);
  const ends = ['\r\n\r\n', '\n\n', '\r\r'].map((sep) => region.indexOf(sep)).filter((i) => i >= 0);
  const head = region.subarray(0, ends.length ? Math.min(...ends) : region.length).toString('latin1');
  const out: Array<[string, Buffer]> = [];
  for (const line of head.split(/\r\n|\n|\r/)) {
    if (/^[ \t]/.test(line) && out.length) {
      const last = out[out.length - 1]!;
      last[1] = Buffer.concat([last[1], Buffer.from(` ${line.trim()}`, 'latin1')]);
      continue;
    }
    const c = line.indexOf(':');
    if (c <= 0) continue;
    out.push([line.slice(0, c).trim().toLowerCase(), Buffer.from(line.slice(c + 1).trim(), 'latin1')]);
  }
  return out;
}

export const has8bit = (b: Uint8Array) => b.some((x) => x >= 0x80);

const WORD = /=\?([^?*\s]+)(?:\*[^?]*)?\?([BbQq])\?([^?\s]*)\?=/g;

function wordBytes(enc: string, text: string): Buffer {
  if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64');
  return Buffer.from(
    text
      .replace(/_/g, ' ')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );
}

/**
 * RFC 2047 header value → text, with our charset decoder. Adjacent encoded-words of one charset
 * are joined before decoding: Japanese mailers split a character's bytes across two words.
 */
export function decodeHeaderValue(raw: Buffer, japaneseHint = false): string {
  const s = raw.toString('latin1');
  let out = '';
  let pending: { charset: string; bytes: Buffer[] } | undefined;
  const flushWords = () => {
    if (pending) out += decodeBytes(Buffer.concat(pending.bytes), pending.charset);
    pending = undefined;
  };
  let last = 0;
  for (const m of s.matchAll(WORD)) {
    const between = s.slice(last, m.index);
    if (between.trim() !== '' || !pending) {
      flushWords();
      out += guessBytes(Buffer.from(between, 'latin1'), japaneseHint);
    }
    const charset = m[1]!.toLowerCase();
    const bytes = wordBytes(m[2]!, m[3]!);
    if (pending && pending.charset === charset) pending.bytes.push(bytes);
    else {
      flushWords();
      pending = { charset, bytes: [bytes] };
    }
    last = m.index + m[0].length;
  }
  flushWords();
  out += guessBytes(Buffer.from(s.slice(last), 'latin1'), japaneseHint);
  return out;
}

/** Every raw 8-bit `name=` / `filename=` parameter value in the whole mail, in order. */
export function raw8bitFilenames(raw: Buffer): Buffer[] {
  const s = raw.toString('latin1');
  const out: Buffer[] = [];
  for (const m of s.matchAll(/\b(?:file)?name\s*=\s*(?:"([^"\r\n]*)"|([^\s;"]+))/gi)) {
    const v = Buffer.from(m[1] ?? m[2] ?? '', 'latin1');
    if (has8bit(v)) out.push(v);
  }
  return out;
}

/** Does the mail declare a Japanese charset anywhere (a hint for unlabelled bytes)? */
export function declaresJapanese(raw: Buffer): boolean {
  return /charset\s*=\s*"?(?:iso-2022-jp|shift[_-]?jis|sjis|x-sjis|cp932|windows-31j|euc-jp)/i.test(
    raw.subarray(0, HEAD_LIMIT).toString('latin1'),
  );
}
