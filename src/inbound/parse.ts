import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AddressObject } from 'mailparser';
import type { Config } from '../config/schema.js';
import { MadoguchiError } from '../errors.js';
import type { BlobStore } from '../storage/encrypted-store.js';
import { base64Body, base64Slices } from './base64.js';
import { decodeJis, guessBytes } from './charset.js';
import { collectMail, SPILLED_HEAD } from './collect.js';
import { JapaneseIconv } from './iconv-bridge.js';
import { declaresJapanese, decodeHeaderValue, has8bit, raw8bitFilenames, rawHeaders } from './raw-headers.js';
import { type BodyAt, SKIM_ABOVE, type Skimmed, skim } from './skim.js';

export interface InboundPart {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  /** The content; when `blob` is set, only its first 64 KB (the rest is in the document store). */
  content: Buffer;
  inline: boolean;
  blob?: string;
  /**
   * Not read (a skimmed parse, see skim.ts): `content` is empty, `size` estimated, `sha256` ''.
   * Where its base64 body is in the mail, for fillSkimmed().
   */
  skimmed?: BodyAt;
  /** A forwarded message's own parts (a whole parse of message/rfc822 that parses; one level). */
  forwarded?: InboundPart[];
}

export interface ParsedMail {
  /** SHA-256 of the raw bytes: the mail's identity everywhere (spool, jobs, audit). */
  hash: string;
  messageId: string | undefined;
  inReplyTo: string | undefined;
  references: string[];
  /** Normalised addr-spec of From: (never the display name, never Reply-To). */
  from: string | undefined;
  /**
   * Mailboxes the From: header(s) hold, group members and unparseable entries included. Only
   * exactly 1 can be a verified seeker (RFC 5322 §3.6.2 allows more only with a Sender:).
   */
  fromMailboxes: number;
  subject: string;
  text: string;
  /** Header name (lower case) → every value as mailparser decoded it. */
  headers: Map<string, string[]>;
  attachments: InboundPart[];
  /** What we had to repair, for the audit trail (e.g. 'subject-raw-8bit'). */
  repairs: string[];
}

/** Every file was read: no attachment was skimmed (a whole parse is needed for their content). */
export const isComplete = (m: ParsedMail) => !m.attachments.some((a) => a.skimmed);

/** Parts larger than this are streamed into the document store while parsing, not held whole. */
export const SPILL_ABOVE = 8 * 1024 * 1024;

export interface ParseLimits {
  maxBytes: number;
  /** A ceiling on waiting (see parseMail); absent in a parse thread, which is killed instead. */
  timeoutMs?: number;
}

/** The configured limits (inbound.maxMailBytes, inbound.parseTimeoutMs). */
export const parseLimits = (config: Pick<Config, 'inbound'>): ParseLimits => ({
  maxBytes: config.inbound.maxMailBytes,
  timeoutMs: config.inbound.parseTimeoutMs,
});

/** RFC 5321 addr-spec as we compare it: trimmed, lower case (providers treat local parts so). */
export const normaliseAddress = (a: string) => a.trim().toLowerCase();

type Entry = AddressObject['value'][number];
const mailboxes = (list: Entry[]): number => list.reduce((n, a) => n + (a.group ? mailboxes(a.group) : 1), 0);

function countMailboxes(v: AddressObject | AddressObject[] | undefined): number {
  return (Array.isArray(v) ? v : v ? [v] : []).reduce((n, o) => n + mailboxes(o.value), 0);
}

function firstAddress(v: AddressObject | AddressObject[] | undefined): string | undefined {
  const list = Array.isArray(v) ? v : v ? [v] : [];
  for (const o of list) for (const a of o.value) if (a.address) return normaliseAddress(a.address);
  return undefined;
}

const ids = (v: string | string[] | undefined) =>
  (Array.isArray(v) ? v : v ? v.split(/\s+/) : []).map((s) => s.trim()).filter(Boolean);

export interface ParseMailOptions {
  /** The mail's SHA-256 when the caller knows it (the spool's name for it). */
  hash?: string;
  /** Parts over 8 MB stream into this store instead of memory. */
  spillTo?: BlobStore;
  /** Skim past file bodies over this many bytes (skim.ts); the parse is then not complete. */
  skimAbove?: number;
  /** Parsing a forwarded message: its own forwarded messages are not opened. */
  nested?: boolean;
}

/** A forwarded message (message/rfc822 part). */
export const FORWARDED = /^message\/rfc822/i;

/** Every part with bytes: the attachments and the parts of forwarded messages. */
export const everyPart = (m: ParsedMail): InboundPart[] =>
  m.attachments.flatMap((a) => [a, ...(a.forwarded ?? [])]);

/**
 * Parse one raw mail, bounded: larger than maxBytes or slower than timeoutMs is a
 * MadoguchiError (the caller quarantines). A parse on this thread cannot be interrupted, so
 * timeoutMs is a ceiling on waiting, not a kill: the inbound worker parses in threads
 * (parse-threads.ts), which are. A whole parse also opens each forwarded message/rfc822 part, one
 * level down, for its files (D1): inside the same bounded parse, not later on the worker's loop.
 */
export async function parseMail(
  raw: Buffer,
  limits: ParseLimits,
  opts: ParseMailOptions = {},
): Promise<ParsedMail> {
  const { hash: knownHash, spillTo, skimAbove } = opts;
  if (raw.length > limits.maxBytes)
    throw new MadoguchiError('MAIL_TOO_LARGE', `mail of ${raw.length} bytes exceeds ${limits.maxBytes}`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    if (limits.timeoutMs === undefined) return;
    timer = setTimeout(
      () => reject(new MadoguchiError('MAIL_PARSE_TIMEOUT', `parse took over ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
  });
  const repairs: string[] = [];
  const input = lineEnds(raw);
  if (input !== raw) repairs.push('cr-line-endings');
  const skimmed: Skimmed | undefined = skimAbove === undefined ? undefined : skim(input, skimAbove);
  try {
    const m = await Promise.race([
      collectMail(
        skimmed?.input ?? input,
        {
          Iconv: JapaneseIconv,
          checksumAlgo: 'sha256',
          keepDeliveryStatus: true,
          skipImageLinks: true,
          skipTextLinks: true,
          skipTextToHtml: true,
          maxHtmlLengthToParse: 2 * 1024 * 1024,
          // No person writes a 64 KB header block or 500 MIME parts; such mail is built to hurt parsers.
          maxHeadSize: 64 * 1024,
          maxChildNodes: 500,
        },
        spillTo && { store: spillTo, above: SPILL_ABOVE },
      ),
      timeout,
    ]);
    // A hint for unlabelled bytes, needed only for a repair: not worked out for every mail.
    let japanese: boolean | undefined;
    const jp = () => {
      japanese ??= declaresJapanese(input);
      return japanese;
    };
    const head = rawHeaders(input);

    // Subject: ours when the raw bytes were 8-bit or mailparser produced U+FFFD.
    let subject = m.subject ?? '';
    const rawSubject = head.find(([k]) => k === 'subject')?.[1];
    if (rawSubject && (has8bit(rawSubject) || subject.includes('\uFFFD') || subject.includes('\x1b'))) {
      subject = decodeHeaderValue(rawSubject, jp());
      repairs.push('subject-recovered-from-raw-bytes');
    }

    // Text: ISO-2022-JP sent without a charset label reaches us with its escapes intact.
    let text = m.text ?? '';
    if (/\x1b\$[B@]/.test(text)) {
      text = decodeJis(Buffer.from(text, 'latin1'));
      repairs.push('text-unlabelled-iso-2022-jp');
    }

    let raw8: Buffer[] | undefined; // scanned only when a name looks mis-decoded (a 5 MB scan costs)
    const rawNames = () => {
      raw8 ??= raw8bitFilenames(input);
      return raw8;
    };
    let found = 0;
    const attachments: InboundPart[] = m.attachments.map((a) => {
      const body =
        skimmed && a.content.length < 100 ? skimmed.tokens.get(a.content.toString('latin1')) : undefined;
      if (body) found++;
      let filename = a.filename ?? '';
      // A raw 8-bit name: mailparser guessed a charset; ours knows CP932 (see raw-headers.ts).
      if ((filename.includes('\uFFFD') || /[\u0080-\u00ff]/.test(filename)) && rawNames().length) {
        const fixed = rawNames()
          .map((b) => guessBytes(b, jp()))
          .find((n) => n !== filename);
        if (fixed) {
          filename = fixed;
          repairs.push('filename-recovered-from-raw-bytes');
        }
      }
      const inline = a.contentDisposition === 'inline' || Boolean(a.related);
      if (body)
        return {
          filename,
          contentType: a.contentType,
          size: Math.floor(((body.end - body.start) * 3) / 4),
          sha256: '',
          content: Buffer.alloc(0),
          inline,
          skimmed: body,
        };
      return {
        filename,
        contentType: a.contentType,
        size: a.size,
        sha256: a.checksum || createHash('sha256').update(a.content).digest('hex'),
        content: a.content,
        inline,
        ...(a.blob ? { blob: a.blob } : {}),
      };
    });
    // Every token must come back as one attachment; if not, the skimmed copy was not the same
    // mail to mailparser (skim.ts is conservative, this is the check): parse the whole mail.
    if (skimmed && found !== skimmed.tokens.size)
      return await parseMail(raw, limits, { ...opts, skimAbove: undefined });
    if (!skimmed && !opts.nested) await openForwarded(attachments, limits);

    const headers = new Map<string, string[]>();
    for (const { key, line } of m.headerLines) {
      const v = line.slice(line.indexOf(':') + 1).trim();
      headers.set(key, [...(headers.get(key) ?? []), v]);
    }

    return {
      hash: knownHash ?? createHash('sha256').update(raw).digest('hex'),
      messageId: m.messageId,
      inReplyTo: m.inReplyTo,
      references: ids(m.references),
      from: firstAddress(m.from),
      fromMailboxes: (headers.get('from')?.length ?? 0) > 1 ? 2 : countMailboxes(m.from),
      subject,
      text,
      headers,
      attachments,
      repairs,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A whole parse opens each forwarded message for its files, one level down (D1). */
async function openForwarded(attachments: InboundPart[], limits: ParseLimits): Promise<void> {
  for (const a of attachments)
    if (FORWARDED.test(a.contentType) && !a.blob) {
      const inner = await parseMail(a.content, limits, { nested: true }).catch(() => undefined);
      if (inner) a.forwarded = inner.attachments.filter((q) => !FORWARDED.test(q.contentType));
    }
}

/** Classic Mac OS files end lines with CR alone; mailparser would see one endless header line. */
function lineEnds(raw: Buffer): Buffer {
  if (!raw.includes(0x0d) || raw.includes(0x0a)) return raw;
  return Buffer.from(raw.toString('latin1').replace(/\r/g, '\r\n'), 'latin1');
}

/**
 * The files a skimmed parse of `raw` left out, read from where they are in the mail: each body is
 * decoded on its own and nothing else is parsed again (no double work between the skimmed and the
 * whole parse, issue #12). Base64 as mailparser decodes it (characters outside the alphabet are
 * skipped, the padding ends it); a file over 8 MB goes to `spillTo` as the whole parse puts it.
 * test/unit/skim.test.ts holds the result to a whole parse of every corpus mail.
 */
export async function fillSkimmed(
  raw: Buffer,
  mail: ParsedMail,
  limits: ParseLimits,
  spillTo?: BlobStore,
): Promise<ParsedMail> {
  const input = lineEnds(raw);
  const fill = async (a: InboundPart): Promise<InboundPart> => {
    if (!a.skimmed) return a;
    const { skimmed, ...rest } = a;
    const body = input.subarray(skimmed.start, skimmed.end);
    // A file that may spill is decoded into the store slice by slice, never held whole (issue #5).
    // Its size was estimated from the body, an upper bound (skim.ts): one that turns out no larger
    // than SPILL_ABOVE (line breaks, junk) is read back and held, as a whole parse holds it; the
    // stored copy has no record and is collected (purge.ts).
    if (spillTo && a.size > SPILL_ABOVE) {
      const head: Buffer[] = [];
      let held = 0;
      const slices = function* () {
        for (const b of base64Slices(body)) {
          if (held < SPILLED_HEAD) {
            const h = b.subarray(0, SPILLED_HEAD - held);
            head.push(h);
            held += h.length;
          }
          yield b;
        }
      };
      const { hash, size } = await spillTo.put(Readable.from(slices()), Number.MAX_SAFE_INTEGER);
      if (size <= SPILL_ABOVE) return { ...rest, size, sha256: hash, content: await spillTo.get(hash) };
      return { ...rest, size, sha256: hash, content: Buffer.concat(head, held), blob: hash };
    }
    const content = base64Body(body);
    return {
      ...rest,
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      content,
    };
  };
  const attachments: InboundPart[] = [];
  for (const a of mail.attachments) attachments.push(await fill(a)); // one decode at a time
  await openForwarded(attachments, limits); // the skimmed parse left them closed, as a whole one does not
  return { ...mail, attachments };
}

/**
 * First use of mailparser, the iconv tables and the header repairs is slow, and until V8 has
 * compiled its hot loops (line splitting, base64) parsing runs at a fraction of its speed: a
 * process or thread that parses mail pays both at start, on this sample with a 256 KB attachment,
 * not with its first real mails.
 */
export async function warmParser(): Promise<void> {
  const body = Buffer.alloc(256 * 1024, 'madoguchi')
    .toString('base64')
    .replace(/(.{76})/g, '$1\r\n');
  const sample = Buffer.from(
    [
      'From: a@example.jp',
      'Subject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=',
      'Content-Type: multipart/mixed; boundary="w"',
      '',
      '--w',
      'Content-Type: text/plain; charset=Shift_JIS',
      'Content-Transfer-Encoding: base64',
      '',
      'g2WDWINn',
      '--w',
      'Content-Type: application/pdf; name="a.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      body,
      '--w--',
      '',
    ].join('\r\n'),
  );
  for (let i = 0; i < 3; i++) await parseMail(sample, { maxBytes: sample.length });
  await parseMail(sample, { maxBytes: sample.length }, { skimAbove: SKIM_ABOVE });
}

/**
 * How to parse: `spill` parts over 8 MB into the document store; `skim` past large files (see
 * skim.ts) when only what the mail is matters, not its files' content; `fill` the files a skimmed
 * parse of this mail left out (fillSkimmed), instead of parsing it again.
 */
export interface ParseOptions {
  spill?: boolean;
  skim?: boolean;
  fill?: ParsedMail;
}

/**
 * A spooled mail, parsed. Rejects with a MadoguchiError when the mail is at fault (it is
 * quarantined), with any other error when a retry may succeed (the disk, a thread ended by shutdown).
 */
export type MailParser = (hash: string, opts?: ParseOptions) => Promise<ParsedMail>;

/** Read from the spool and parse with `limits`, on this thread (also the body of a parse thread). */
export function parseHere(s: { spool: BlobStore; documents: BlobStore }, limits: ParseLimits): MailParser {
  return async (hash, { spill = true, skim = false, fill } = {}) => {
    const raw = await s.spool.get(hash); // SPOOL_MISSING is the mail's; an fs error is retried
    try {
      if (fill) return await fillSkimmed(raw, fill, limits, spill ? s.documents : undefined);
      return await parseMail(raw, limits, {
        hash,
        ...(spill ? { spillTo: s.documents } : {}),
        ...(skim ? { skimAbove: SKIM_ABOVE } : {}),
      });
    } catch (err) {
      // parseMail works on bytes in memory: whatever it throws is the mail's fault.
      throw err instanceof MadoguchiError
        ? err
        : new MadoguchiError('MAIL_UNPARSEABLE', String(err).slice(0, 200));
    }
  };
}
