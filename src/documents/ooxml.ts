import yauzl from 'yauzl';

// OOXML relationships (ECMA-376 Part 2, §9.3): a part may point outside the package with
// TargetMode="External". A hyperlink is only a link; anything else is loaded when the file opens:
// a remote attachedTemplate (template injection), an oleObject or a linked file, a frame, a
// subdocument, an external image. Those are refused as macros are (issue #13).
const RELS = /(^|\/)_rels\/[^/]*\.rels$/i;
const RELATIONSHIP = /<(?:\w+:)?Relationship\b[^>]*>/g;
const MAX_RELS_BYTES = 1024 * 1024;

/** The relationship types (last path segment) that load something from outside the file. */
export function externalTypes(relsXml: string): string[] {
  const out: string[] = [];
  for (const [tag] of relsXml.matchAll(RELATIONSHIP)) {
    if (!/\bTargetMode\s*=\s*["']External["']/i.test(tag)) continue;
    const type = /\bType\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1] ?? '';
    const name = type.slice(type.lastIndexOf('/') + 1);
    if (name !== 'hyperlink') out.push(name || 'unknown');
  }
  return out;
}

/** Every external relationship of an OOXML package (docx, xlsx) that is not a hyperlink. */
export function ooxmlExternal(data: Buffer): Promise<string[]> {
  return new Promise((resolve) => {
    const found: string[] = [];
    yauzl.fromBuffer(data, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return resolve(found);
      zip.on('end', () => resolve(found));
      zip.on('error', () => resolve(found));
      zip.on('entry', (e: yauzl.Entry) => {
        if (!RELS.test(e.fileName) || e.uncompressedSize > MAX_RELS_BYTES) return zip.readEntry();
        zip.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return zip.readEntry();
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', () => zip.readEntry());
          stream.on('end', () => {
            found.push(...externalTypes(Buffer.concat(chunks).toString('utf8')));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
