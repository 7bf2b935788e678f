import libbase64 from 'libbase64';

// A base64 body decoded to the bytes mailparser's decoder (libbase64's Decoder) gives: characters
// outside the alphabet skipped, each '='-padded segment decoded on its own. Two forms of one rule:
// base64Body for a file held in memory, base64Slices for one streamed into the store. The test
// (test/unit/base64.test.ts) holds the two to each other on hostile bodies and slice edges.

/**
 * The whole body at once. Node's decoder skips line breaks and most junk itself but reads '-' and
 * '_' as base64url; only a body holding those pays the strip.
 */
export function base64Body(body: Buffer): Buffer {
  let s = body.toString('latin1');
  if (body.includes(0x2d) || body.includes(0x5f)) s = s.replace(/[^a-zA-Z0-9+/=]/g, '');
  return libbase64.decode(s);
}

const NOT_ALPHABET = /[^a-zA-Z0-9+/=]/g;

/**
 * The same bytes, a slice at a time: neither the body's text form nor the decoded file is ever
 * held whole (a 25 MB file is 34 MB of base64; issue #5: never hold a large mail twice). Each
 * slice is stripped to the alphabet and '=', then split at '='; a segment that runs on into the
 * next slice keeps its last (length mod 4) characters for it, so every quantum decodes whole.
 */
export function* base64Slices(body: Buffer, sliceBytes = 64 * 1024): Generator<Buffer> {
  let carry = '';
  for (let i = 0; i < body.length; i += sliceBytes) {
    const segments = (carry + body.toString('latin1', i, i + sliceBytes).replace(NOT_ALPHABET, '')).split(
      '=',
    );
    const open = segments.pop()!; // the segment the next slice may continue
    for (const seg of segments) if (seg) yield Buffer.from(seg, 'base64');
    const whole = open.length - (open.length % 4);
    if (whole) yield Buffer.from(open.slice(0, whole), 'base64');
    carry = open.slice(whole);
  }
  if (carry) {
    const tail = Buffer.from(carry, 'base64'); // a partial quantum, decoded as Node decodes it
    if (tail.length) yield tail;
  }
}
