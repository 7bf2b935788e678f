import yauzl from 'yauzl';
import { decodeCp932, isValidUtf8 } from '../inbound/charset.js';
import { type Sniffed, sniff } from './sniff.js';

export interface ZipLimits {
  maxEntries: number;
  maxTotalBytes: number;
  maxRatio: number;
  maxDepth: number;
}

export interface ZipEntryInfo {
  name: string;
  size: number;
  kind: Sniffed;
}

export type ZipVerdict =
  | { ok: true; entries: ZipEntryInfo[] }
  | {
      ok: false;
      reason:
        | 'zip-encrypted'
        | 'zip-too-many-entries'
        | 'zip-too-large'
        | 'zip-bomb'
        | 'zip-nested'
        | 'zip-broken';
      entries: ZipEntryInfo[];
    };

/** Entry names: UTF-8 when flagged (bit 11) or valid, else CP932 (Japanese Windows "送る → 圧縮"). */
function entryName(raw: Buffer, flags: number): string {
  if (flags & 0x800 || isValidUtf8(raw)) return raw.toString('utf8');
  const sjis = decodeCp932(raw);
  return sjis.valid ? sjis.text : raw.toString('latin1');
}

/**
 * Inspect a zip without trusting its directory: every entry is inflated (and discarded) with a
 * running cap, so a bomb whose directory lies about sizes is caught by yauzl's size validation or
 * by our total cap. Encrypted entries (the "PPAP" habit: zip + password in a second mail) refuse
 * the whole zip.
 */
export function inspectZip(data: Buffer, limits: ZipLimits, depth = 1): Promise<ZipVerdict> {
  return new Promise((resolve) => {
    const entries: ZipEntryInfo[] = [];
    let total = 0;
    let settled = false;
    const done = (v: ZipVerdict) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    yauzl.fromBuffer(
      data,
      { lazyEntries: true, decodeStrings: false, validateEntrySizes: true },
      (err, zip) => {
        if (err || !zip) return done({ ok: false, reason: 'zip-broken', entries });
        const fail = (reason: Exclude<ZipVerdict, { ok: true }>['reason']) => {
          zip.close();
          done({ ok: false, reason, entries });
        };
        zip.on('error', () => fail('zip-broken'));
        zip.on('end', () => done({ ok: true, entries }));
        zip.on('entry', (e: yauzl.Entry) => {
          const name = entryName(e.fileName as unknown as Buffer, e.generalPurposeBitFlag);
          if (e.isEncrypted()) return fail('zip-encrypted');
          if (entries.length + 1 > limits.maxEntries) return fail('zip-too-many-entries');
          if (e.compressedSize > 0 && e.uncompressedSize / e.compressedSize > limits.maxRatio)
            return fail('zip-bomb');
          if (total + e.uncompressedSize > limits.maxTotalBytes) return fail('zip-too-large');
          if (/\/$/.test(name)) {
            zip.readEntry();
            return;
          }
          zip.openReadStream(e, (err2, stream) => {
            if (err2 || !stream) return fail('zip-broken');
            const head: Buffer[] = [];
            let headLen = 0;
            let size = 0;
            stream.on('data', (c: Buffer) => {
              size += c.length;
              total += c.length;
              if (headLen < 64 * 1024) {
                head.push(c);
                headLen += c.length;
              }
              if (total > limits.maxTotalBytes) {
                stream.destroy();
                fail('zip-bomb');
              }
            });
            stream.on('error', () => fail('zip-bomb')); // actual size differs from the directory's
            stream.on('end', async () => {
              const first = Buffer.concat(head);
              const kind = sniff(first);
              entries.push({ name, size, kind });
              if (kind === 'zip' || /\.zip$/i.test(name)) {
                if (depth + 1 > limits.maxDepth) return fail('zip-nested');
              }
              zip.readEntry();
            });
          });
        });
        zip.readEntry();
      },
    );
  });
}

/** Names inside an OOXML file, to tell .docx from .docm (a vbaProject.bin inside). */
export function zipEntryNames(data: Buffer): Promise<string[]> {
  return new Promise((resolve) => {
    yauzl.fromBuffer(data, { lazyEntries: true, decodeStrings: false }, (err, zip) => {
      if (err || !zip) return resolve([]);
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(entryName(e.fileName as unknown as Buffer, e.generalPurposeBitFlag));
        if (names.length > 5000) {
          zip.close();
          return resolve(names);
        }
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', () => resolve(names));
      zip.readEntry();
    });
  });
}
