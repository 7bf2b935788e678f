import { PDFDocument, PDFName, PDFString } from '@cantoo/pdf-lib';

export type Made =
  | 'plain'
  | 'goto-page'
  | 'print'
  | 'launch'
  | 'openaction-js'
  | 'names-js'
  | 'page-aa-js'
  | 'link-js'
  | 'embedded'
  | 'rich-media'
  | 'xfa'
  | 'owner-password'
  | 'owner-password-js'
  | 'user-password';

/**
 * A one-page PDF carrying one kind of content, written by pdf-lib with compressed object streams
 * (its default), so a byte grep for /JavaScript or /Launch finds nothing: only the structure does.
 */
export async function madePdf(kind: Made): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText('Rirekisho', { x: 72, y: 760, size: 24 });
  const ctx = doc.context;
  const js = (code: string) => ctx.obj({ S: 'JavaScript', JS: PDFString.of(code) });
  const annots = (a: Record<string, unknown>) =>
    page.node.set(PDFName.of('Annots'), ctx.obj([ctx.register(ctx.obj(a as never))]));
  const set = (k: string, v: Parameters<typeof doc.catalog.set>[1]) => doc.catalog.set(PDFName.of(k), v);
  if (kind === 'goto-page') set('OpenAction', ctx.obj([page.ref, 'Fit']));
  if (kind === 'print') set('OpenAction', ctx.obj({ S: 'Named', N: 'Print' }));
  if (kind === 'launch') set('OpenAction', ctx.obj({ S: 'Launch', F: PDFString.of('calc.exe') }));
  if (kind === 'openaction-js' || kind === 'owner-password-js') set('OpenAction', js('app.alert(1)'));
  if (kind === 'names-js')
    set('Names', ctx.obj({ JavaScript: { Names: [PDFString.of('a'), ctx.register(js('app.alert(1)'))] } }));
  if (kind === 'page-aa-js') page.node.set(PDFName.of('AA'), ctx.obj({ O: js('app.alert(1)') }));
  if (kind === 'link-js')
    annots({ Type: 'Annot', Subtype: 'Link', Rect: [0, 0, 100, 100], A: js('app.launchURL("x")') });
  if (kind === 'embedded')
    await doc.attach(Buffer.from('MZ not a resume'), 'setup.exe', { mimeType: 'application/octet-stream' });
  if (kind === 'rich-media') annots({ Type: 'Annot', Subtype: 'RichMedia', Rect: [0, 0, 100, 100] });
  if (kind === 'xfa') set('AcroForm', ctx.obj({ Fields: [], XFA: ctx.register(ctx.stream('<xdp:xdp/>')) }));
  if (kind.startsWith('owner-password')) doc.encrypt({ ownerPassword: 'owner', userPassword: '' });
  if (kind === 'user-password') doc.encrypt({ ownerPassword: 'owner', userPassword: 'user' });
  return Buffer.from(await doc.save({ useObjectStreams: true }));
}
