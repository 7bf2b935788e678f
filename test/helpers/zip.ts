import zlib from 'node:zlib';

export interface ZipEntrySpec {
  name: string | Buffer;
  data: Buffer;
  deflate?: boolean;
  /** Sets the "encrypted" flag as ZipCrypto does (the bytes are not really encrypted). */
  encrypted?: boolean;
  /** Directory claims this uncompressed size (a lying bomb). */
  claimSize?: number;
}

/** A minimal zip writer for tests (local headers, central directory, end record). */
export function makeZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name, 'utf8');
    const utf8 = !Buffer.isBuffer(e.name) && /[^\x00-\x7f]/.test(e.name);
    const packed = e.deflate ? zlib.deflateRawSync(e.data) : e.data;
    // ZipCrypto prefixes each entry with a 12-byte encryption header.
    const body = e.encrypted ? Buffer.concat([Buffer.alloc(12, 0x5a), packed]) : packed;
    const crc = zlib.crc32(e.data);
    const flags = (e.encrypted ? 0x1 : 0) | (utf8 ? 0x800 : 0);
    const method = e.deflate ? 8 : 0;
    const size = e.claimSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
