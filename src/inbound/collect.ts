import { PassThrough, type Readable } from 'node:stream';
import { type AddressObject, type AttachmentStream, MailParser, type MailParserOptions } from 'mailparser';
import type { BlobStore } from '../storage/encrypted-store.js';

export interface CollectedAttachment {
  filename?: string;
  contentType: string;
  contentDisposition?: string;
  related?: boolean;
  size: number;
  checksum: string;
  /** The whole content, or (spilled) only its first 64 KB. */
  content: Buffer;
  /** Set when the content went straight to the blob store instead of memory. */
  blob?: string;
}

export interface Collected {
  headerLines: ReadonlyArray<{ key: string; line: string }>;
  subject?: string;
  from?: AddressObject;
  messageId?: string;
  inReplyTo?: string;
  references?: string | string[];
  text?: string;
  attachments: CollectedAttachment[];
}

/** mailparser's internals that drainUnreadLastPart needs (not in its types). */
interface ParserInternals {
  splitter?: NodeJS.EventEmitter;
  curnode?: { decoder?: Readable };
}

/**
 * The trap: at the end of input mailparser waits for the last part's decoder to end, and a part it
 * never reads itself never ends. An inline message/rfc822 part with nothing in it (also a mail
 * whose header block ends at the end of the file) is such a part: the parse never finished, and a
 * mail of a few bytes held the (by default only) parse thread until it was killed at
 * inbound.parseTimeoutMs (the class of mailparser issues #190 and #263; found by mutating corpus
 * mails). Once all input is split, a last part that nobody reads (not flowing, no reader) is
 * drained here so it ends; a part mailparser reads is left alone.
 */
function drainUnreadLastPart(parser: MailParser): void {
  const p = parser as unknown as ParserInternals;
  p.splitter?.once('end', () =>
    setImmediate(() => {
      const decoder = p.curnode?.decoder;
      if (decoder && decoder.readableFlowing === null && decoder.listenerCount('data') === 0)
        decoder.resume();
    }),
  );
}

/** How much of a spilled part stays in memory (for sniffing). */
export const SPILLED_HEAD = 64 * 1024;

/**
 * mailparser's simpleParser, minus what we never use (HTML with inline images as data: URIs), plus
 * one thing it cannot do: a part larger than `spill.above` streams into the encrypted blob store
 * as it is decoded, instead of being gathered in chunks and then concatenated (two copies of a
 * 25 MB file at once). Only its first 64 KB stay in memory, for sniffing.
 */
export function collectMail(
  input: Buffer,
  options: MailParserOptions,
  spill?: { store: BlobStore; above: number },
): Promise<Collected> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser(options);
    const mail: Collected = { headerLines: [], attachments: [] };
    let settled = false;
    const fail = (err: unknown) => {
      if (!settled) {
        settled = true;
        reject(err);
      }
    };
    parser.on('error', fail);
    parser.on('headers', (headers) => {
      mail.headerLines = parser.headerLines || [];
      mail.subject = headers.get('subject') as string | undefined;
      mail.from = headers.get('from') as AddressObject | undefined;
      mail.messageId = headers.get('message-id') as string | undefined;
      mail.inReplyTo = headers.get('in-reply-to') as string | undefined;
      mail.references = headers.get('references') as string | string[] | undefined;
    });
    parser.on('data', (data: { type: string; text?: string } | AttachmentStream) => {
      if (data.type === 'text') {
        mail.text = (data as { text?: string }).text;
        return;
      }
      const a = data as AttachmentStream;
      const chunks: Buffer[] = [];
      let len = 0;
      let sink: PassThrough | undefined;
      let stored: Promise<{ hash: string; size: number }> | undefined;
      let head = Buffer.alloc(0);
      a.content.on('data', (c: Buffer) => {
        if (sink) {
          if (!sink.write(c)) {
            a.content.pause();
            sink.once('drain', () => a.content.resume());
          }
          return;
        }
        chunks.push(c);
        len += c.length;
        if (spill && len > spill.above) {
          const all = Buffer.concat(chunks, len);
          head = Buffer.from(all.subarray(0, SPILLED_HEAD));
          sink = new PassThrough();
          stored = spill.store.put(sink, Number.MAX_SAFE_INTEGER);
          stored.catch(fail);
          sink.write(all);
          chunks.length = 0;
        }
      });
      a.content.on('error', fail);
      a.content.on('end', async () => {
        const base = {
          filename: a.filename,
          contentType: a.contentType,
          contentDisposition: a.contentDisposition,
          related: a.related,
          checksum: '',
        };
        try {
          if (sink && stored) {
            sink.end();
            const { hash, size } = await stored;
            mail.attachments.push({ ...base, size, checksum: hash, content: head, blob: hash });
          } else {
            const content = Buffer.concat(chunks, len);
            mail.attachments.push({ ...base, size: content.length, checksum: a.checksum ?? '', content });
          }
          a.release?.();
        } catch (err) {
          fail(err);
        }
      });
    });
    parser.on('end', () => {
      if (!settled) {
        settled = true;
        resolve(mail);
      }
    });
    drainUnreadLastPart(parser);
    // In 64 KB slices, minding backpressure: one write of a 34 MB buffer makes mailparser split and
    // decode all of it at once, and every stream below it then buffers the whole decoded content.
    let pos = 0;
    const pump = () => {
      while (pos < input.length) {
        const slice = input.subarray(pos, pos + 64 * 1024);
        pos += slice.length;
        if (!parser.write(slice)) return void parser.once('drain', pump);
      }
      parser.end();
    };
    pump();
  });
}
