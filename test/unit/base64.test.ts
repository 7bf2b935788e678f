import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64Body, base64Slices } from '../../src/inbound/base64.js';

// base64Slices must give base64Body's bytes (mailparser's) whatever the body and wherever a slice
// ends: mid-quantum, on a '=', inside a run of junk.
const sliced = (body: Buffer, size: number) => Buffer.concat([...base64Slices(body, size)]);

// A fixed-seed generator (mulberry32): the same bodies on every run.
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lines = (b: Buffer) => b.toString('base64').replace(/(.{76})/g, '$1\r\n');

describe('base64Slices (a file decoded into the store a slice at a time)', () => {
  const bodies: Array<[string, Buffer]> = [
    ['76-column lines', Buffer.from(lines(randomBytes(5000)))],
    ['every line padded on its own', Buffer.from(['QQ==', 'QkM=', 'REVG', 'Rw=='].join('\r\n'))],
    ['base64url and 8-bit junk', Buffer.from('QU-J_D\x80\xffRE\r\nVG-_', 'latin1')],
    ['data after the padding', Buffer.from(`${lines(randomBytes(301))}\r\n=\r\n${lines(randomBytes(97))}`)],
    ['ragged lengths', Buffer.from('QUJDRA\r\nRUZ\r\nH')],
    ['empty', Buffer.alloc(0)],
    ['padding only', Buffer.from('====\r\n=')],
  ];
  for (const [name, body] of bodies)
    it(`gives base64Body's bytes: ${name}, at every slice size up to 41`, () => {
      const want = base64Body(body);
      for (let size = 1; size <= 41; size++) expect(sliced(body, size)).toEqual(want);
    });

  it('gives base64Body\'s bytes on 2,000 random bodies of the alphabet, "=", "-", "_" and junk', () => {
    const rnd = prng(20261205);
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \r\n\t.\x80\xff';
    for (let n = 0; n < 2000; n++) {
      const len = Math.floor(rnd() * 300);
      const pick = rnd() < 0.5 ? chars.slice(0, 65) : chars; // half of them without '-', '_' or junk
      let s = '';
      for (let i = 0; i < len; i++) s += pick[Math.floor(rnd() * pick.length)];
      const body = Buffer.from(s, 'latin1');
      expect(sliced(body, 1 + Math.floor(rnd() * 64)), JSON.stringify(s)).toEqual(base64Body(body));
    }
  });
});
