import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { checkParts } from '../../src/documents/checks.js';
import { externalTypes } from '../../src/documents/ooxml.js';
import { pdfRefusal } from '../../src/documents/pdf-policy.js';
import { pdfText } from '../../src/documents/pdf-text.js';
import { type Made, madePdf } from '../helpers/pdf-active.js';
import { makeZip } from '../helpers/zip.js';

// Issue #13 part 2: documents that can hurt the staff member who opens them.
const config = loadConfig({ env: { MADOGUCHI_STORAGE_KEY: Buffer.alloc(32).toString('base64') } });
const policy = config.documents.pdf;
const verdict = async (data: Buffer) => pdfRefusal(await pdfText(data), policy) ?? 'accepted';
const CORPUS_PDF = path.resolve(import.meta.dirname, '../fixtures/corpus-pdf');
const corpus = (f: string) => readFileSync(path.join(CORPUS_PDF, f));

describe('PDF active content, read from the object structure', () => {
  it.each<[Made, string]>([
    ['plain', 'accepted'],
    ['goto-page', 'accepted'], // an OpenAction that only goes to a page
    ['print', 'accepted'], // ... or only prints
    ['launch', 'pdf-launch'],
    ['openaction-js', 'pdf-javascript'],
    ['names-js', 'pdf-javascript'],
    ['page-aa-js', 'pdf-javascript'],
    ['link-js', 'pdf-javascript'],
    ['embedded', 'pdf-embedded-file'],
    ['rich-media', 'pdf-rich-media'],
    ['xfa', 'pdf-xfa'],
    ['owner-password', 'accepted'], // opens without a password: readable by staff
    ['owner-password-js', 'pdf-javascript'], // decrypted by pdf.js, still checked
    ['user-password', 'pdf-encrypted'],
  ])('%s → %s', async (kind, expected) => {
    expect(await verdict(await madePdf(kind))).toBe(expected);
  });

  it('what compressed object streams hide from a byte grep is still found', async () => {
    for (const kind of ['link-js', 'rich-media'] as const) {
      const pdf = await madePdf(kind);
      expect(pdf.toString('latin1')).not.toMatch(/\/(JavaScript|RichMedia|JS)\b/);
      expect(await verdict(pdf)).not.toBe('accepted');
    }
  });

  it.each([
    ['pdf-active-content/pdfjs__attachment.pdf', 'pdf-embedded-file'],
    ['pdf-active-content/pdfjs__bug1001080.pdf', 'accepted'], // OpenAction: Print
    ['pdf-active-content/pdfjs__bug766086.pdf', 'accepted'], // relative links
    ['pdf-active-content/pdfjs__doc_actions.pdf', 'pdf-javascript'],
    ['pdf-active-content/pdfjs__issue6106.pdf', 'pdf-javascript'],
    ['pdf-active-content/pdfjs__issue8844.pdf', 'pdf-embedded-file'], // GoToE
    ['pdf-active-content/pdfjs__js-authors.pdf', 'pdf-javascript'], // form field calculations
    ['pdf-encrypted/pdfjs__pr6531_2.pdf', 'pdf-encrypted'],
    ['pdf-encrypted/pdfjs__issue6010_1.pdf', 'pdf-encrypted'],
    ['pdf-valid/pdfparse__04-valid.pdf', 'accepted'],
    ['pdf-broken-structure/pdfjs__REDHAT-1531897-0.pdf', 'accepted'], // broken: forwarded, "could not be read"
  ])('corpus %s → %s', async (f, expected) => {
    expect(await verdict(corpus(f))).toBe(expected);
  });

  it('junk after the last %%EOF is not part of the document: a Launch before it is still found', async () => {
    const pdf = Buffer.concat([await madePdf('launch'), Buffer.alloc(2 * 1024 * 1024, 0x41)]);
    expect(await verdict(pdf)).toBe('pdf-launch');
  });

  it('a PDF stopped at the time limit is refused as unchecked: nothing is known of it', async () => {
    expect(pdfRefusal(await pdfText(await madePdf('plain'), { timeoutMs: 1 }), policy)).toBe('pdf-unchecked');
  });

  it('the policy is the office’s: accept turns a refusal off, per kind', async () => {
    const js = await pdfText(await madePdf('openaction-js'));
    expect(pdfRefusal(js, { ...policy, javascript: 'accept' })).toBeUndefined();
    const locked = await pdfText(await madePdf('user-password'));
    expect(pdfRefusal(locked, { ...policy, encrypted: 'accept' })).toBeUndefined();
  });
});

describe('Office files that load something from outside (template injection)', () => {
  const rel = (type: string, target: string, external = true) =>
    `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/${type}" Target="${target}"${external ? ' TargetMode="External"' : ''}/>`;
  const rels = (...r: string[]) =>
    Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${r.join('')}</Relationships>`,
    );
  const docx = (relsXml: Buffer, at = 'word/_rels/settings.xml.rels') =>
    makeZip([
      { name: '[Content_Types].xml', data: Buffer.from('<x/>') },
      { name: 'word/document.xml', data: Buffer.from('<x/>') },
      { name: at, data: relsXml, deflate: true },
    ]);
  const check = async (name: string, data: Buffer) =>
    (
      await checkParts(
        [
          {
            filename: name,
            contentType: 'application/octet-stream',
            content: data,
            size: data.length,
            sha256: '',
            inline: false,
          },
        ],
        config.documents,
      )
    )[0]!;

  it.each([
    ['a remote attachedTemplate', rel('attachedTemplate', 'http://evil.example/t.dotm')],
    ['an external oleObject', rel('oleObject', 'file://server/share/x.bin')],
    ['an external frame', rel('frame', 'http://evil.example/f.html')],
    ['an external image', rel('image', 'http://tracker.example/p.png')],
  ])('%s → refused', async (_n, r) => {
    expect((await check('職務経歴書.docx', docx(rels(r)))).refused).toBe('office-external');
  });
  it('an external link in a workbook → refused', async () => {
    const xlsx = makeZip([
      { name: '[Content_Types].xml', data: Buffer.from('<x/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<x/>') },
      {
        name: 'xl/externalLinks/_rels/externalLink1.xml.rels',
        data: rels(rel('externalLinkPath', 'file:///C:/x.xlsx')),
      },
    ]);
    expect((await check('表.xlsx', xlsx)).refused).toBe('office-external');
  });
  it('hyperlinks and internal relationships are fine', async () => {
    const ok = docx(
      rels(rel('hyperlink', 'https://example.jp/portfolio'), rel('styles', 'styles.xml', false)),
      'word/_rels/document.xml.rels',
    );
    expect((await check('職務経歴書.docx', ok)).refused).toBeUndefined();
    expect(externalTypes(rels(rel('hyperlink', 'https://x.example')).toString())).toEqual([]);
  });
});
