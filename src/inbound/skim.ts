import { randomBytes } from 'node:crypto';
import mailsplit from '@zone-eu/mailsplit';
import libmime from 'libmime';

/**
 * What a mail is can be decided without its files: the headers, the text and which parts it has.
 * Reading the files was most of a parse (mailsplit looks at every byte of a 7 MB base64 body, one
 * at a time, then decodes and hashes it), so the first parse of a mail sees a copy in which every
 * large base64 file body is replaced by a short token; the files are read only when a decision
 * needs them (documents for staff), each decoded from where it is in the mail (fillSkimmed in
 * parse.ts), without parsing the mail again. `npm run bench -- inbound` prints the
 * inbound worker's CPU per mail (with its parse thread): 10.2 ms before this, 5.5-7.1 ms after.
 *
 * The copy must split into exactly the parts the mail splits into. mailsplit ends a part at any
 * line that starts with "--" and the boundary of its multipart or of any enclosing one, so every
 * occurrence of such a string anywhere must be a clean delimiter line at a line start; anything
 * else (a boundary quoted in a text, a lone CR before a delimiter, a boundary that extends another,
 * no closing delimiter, parts after it) and the mail is not skimmed but parsed whole.
 */

/** Bodies larger than this are replaced (base64 text, so about 48 KB of file). */
export const SKIM_ABOVE = 64 * 1024;
const MAX_DEPTH = 8;
const MAX_PARTS = 500;
/** File types only: never text (the text is what we read), a message, or a calendar part. */
const FILE_TYPE = /^(application|image|audio|video|font|model)\//;
const CALENDAR = /^application\/ics/;

/** Where a replaced base64 body is in the mail: bytes [start, end). */
export interface BodyAt {
  start: number;
  end: number;
}

export interface Skimmed {
  input: Buffer;
  /** Token (the bytes a replaced body decodes to) → where that base64 body is in the mail. */
  tokens: Map<string, BodyAt>;
}

class NotSkimmable extends Error {}

const LF = 0x0a;
const CR = 0x0d;

/** Where the header block of [start, end) ends and its body starts, at the first empty line. */
function splitHead(buf: Buffer, start: number, end: number): { head: Buffer; body: number } | undefined {
  if (buf[start] === LF) return { head: Buffer.alloc(0), body: start + 1 };
  if (buf[start] === CR && buf[start + 1] === LF) return { head: Buffer.alloc(0), body: start + 2 };
  let i = start;
  while (i < end) {
    const nl = buf.indexOf(LF, i);
    if (nl < 0 || nl >= end) return undefined;
    if (buf[nl + 1] === LF) return { head: buf.subarray(start, nl + 1), body: nl + 2 };
    if (buf[nl + 1] === CR && buf[nl + 2] === LF) return { head: buf.subarray(start, nl + 1), body: nl + 3 };
    i = nl + 1;
  }
  return undefined;
}

interface Node {
  type: string;
  encoding: string;
  boundary: string | undefined;
}

function node(head: Buffer): Node {
  const headers = new mailsplit.Headers(head);
  const ct = headers.get('Content-Type').length ? headers.getFirst('Content-Type') : '';
  const parsed = libmime.parseHeaderValue(ct, { stripComments: true });
  const boundary = String(parsed.params.boundary ?? '').trimEnd();
  return {
    type: (parsed.value || '').toLowerCase().trim(),
    encoding: String(headers.getFirst('Content-Transfer-Encoding') ?? '')
      .toLowerCase()
      .trim(),
    boundary: boundary && Buffer.byteLength(boundary) === boundary.length ? boundary : undefined,
  };
}

/** Where the delimiter line at `at` (just after "--boundary") ends; whether it closes. */
function delimiterEnd(buf: Buffer, at: number, end: number): { next: number; close: boolean } {
  let i = at;
  const close = buf[i] === 0x2d && buf[i + 1] === 0x2d;
  if (close) i += 2;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  if (i === end) return { next: end, close };
  if (buf[i] === LF) return { next: i + 1, close };
  if (buf[i] === CR && buf[i + 1] === LF) return { next: i + 2, close };
  throw new NotSkimmable();
}

/** Every occurrence of "--b" for each boundary in scope within [start, end), in order. */
function delimiters(buf: Buffer, start: number, end: number, scope: string[]): number[] {
  const own = Buffer.from(`--${scope[scope.length - 1]}`);
  const hits: number[] = [];
  for (const b of scope) {
    const needle = Buffer.from(`--${b}`);
    for (let i = buf.indexOf(needle, start); i >= 0 && i < end; i = buf.indexOf(needle, i + 1)) {
      // An enclosing boundary inside this multipart, or one not at a line start: too unusual.
      if (!needle.equals(own) || (i !== start && buf[i - 1] !== LF)) throw new NotSkimmable();
      hits.push(i);
    }
  }
  return hits;
}

interface Walk {
  buf: Buffer;
  above: number;
  out: Array<[number, number]>;
}

function multipart(w: Walk, start: number, end: number, scope: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new NotSkimmable();
  const b = scope[scope.length - 1]!;
  const { buf } = w;
  const hits = delimiters(buf, start, end, scope);
  if (hits.length < 2 || hits.length > MAX_PARTS) throw new NotSkimmable();
  for (let k = 0; k < hits.length; k++) {
    const { next, close } = delimiterEnd(buf, hits[k]! + 2 + b.length, end);
    if (close !== (k === hits.length - 1)) throw new NotSkimmable(); // parts after the close, or none
    if (close) return;
    // The line break before the next delimiter belongs to it, not to the part.
    const at = hits[k + 1]!;
    const partEnd = buf[at - 2] === CR ? at - 2 : at - 1;
    if (partEnd < next) throw new NotSkimmable();
    part(w, next, partEnd, scope, depth);
  }
}

function part(w: Walk, start: number, end: number, scope: string[], depth: number): void {
  const split = splitHead(w.buf, start, end);
  if (!split) return; // all header, or a body we need not look into
  const n = node(split.head);
  if (n.type.startsWith('multipart/')) {
    if (!n.boundary || scope.includes(n.boundary)) throw new NotSkimmable();
    multipart(w, split.body, end, [...scope, n.boundary], depth + 1);
    return;
  }
  if (
    n.encoding === 'base64' &&
    FILE_TYPE.test(n.type) &&
    !CALENDAR.test(n.type) &&
    end - split.body > w.above
  )
    w.out.push([split.body, end]);
}

/** The mail with its file bodies over `above` bytes replaced; undefined when none, or it is unusual. */
export function skim(raw: Buffer, above = SKIM_ABOVE): Skimmed | undefined {
  const split = splitHead(raw, 0, raw.length);
  if (!split) return undefined;
  const top = node(split.head);
  if (!top.type.startsWith('multipart/') || !top.boundary) return undefined;
  const bodies: Array<[number, number]> = [];
  try {
    multipart({ buf: raw, above, out: bodies }, split.body, raw.length, [top.boundary], 0);
  } catch (err) {
    if (err instanceof NotSkimmable) return undefined;
    throw err;
  }
  if (!bodies.length) return undefined;
  const nonce = randomBytes(12).toString('hex');
  const tokens = new Map<string, BodyAt>();
  const pieces: Buffer[] = [];
  let at = 0;
  for (const [i, [s, e]] of bodies.entries()) {
    const token = `madoguchi-skimmed-${i}-${nonce}`;
    tokens.set(token, { start: s, end: e });
    pieces.push(raw.subarray(at, s), Buffer.from(Buffer.from(token).toString('base64')));
    at = e;
  }
  pieces.push(raw.subarray(at));
  return { input: Buffer.concat(pieces), tokens };
}
