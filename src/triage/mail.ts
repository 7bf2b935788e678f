import { createHash } from 'node:crypto';
import { contentTypeOfKind } from '../documents/accept.js';
import type { RefusalReason } from '../documents/checks.js';
import { refusalJa } from '../documents/messages.js';
import { candidateParts, verdicts } from '../documents/verdict.js';
import { MadoguchiError } from '../errors.js';
import type { InboundDeps } from '../inbound/deps.js';
import { splitQuoted } from '../inbound/intent.js';
import type { ParsedMail } from '../inbound/parse.js';
import type { TriageItem } from './queue.js';

/** A file of a triaged mail with the document checks' verdict (no content: that is `triageFile`). */
export interface FileVerdict {
  n: number;
  filename: string;
  size: number;
  /** What the content is (sniffed), not what the mail claimed. */
  kind: string;
  sha256: string;
  /** Why it was refused (code), and the sentence a seeker would have been given. */
  refused?: RefusalReason;
  refusedText?: string;
}

/** One mail of an item's thread, for staff eyes only (never logged, P5). */
export interface ThreadMail {
  hash: string;
  id: string;
  /** The sender as written (addr-spec), or '' when the mail has none. */
  from: string;
  subject: string;
  messageId: string | undefined;
  references: string[];
  text: string;
  /** The sender's own lines and what they quoted (folded on the page). */
  own: string;
  quoted: string;
  /** The header lines as decoded, for "show the original headers". */
  headers: string;
  files: FileVerdict[];
  /** A delivery failure (DSN) was reported for the sender: a reply warns first. */
  flagged: boolean;
  /** Why the mail could not be read again (its raw bytes gone, or no longer parseable). */
  unreadable?: string;
}

// Verdicts are kept a while: checking a PDF takes its thread a moment, and a page is seen often.
const VERDICT_TTL_S = 7 * 86400;

async function filesOf(deps: InboundDeps, m: ParsedMail): Promise<FileVerdict[]> {
  const key = deps.store.k('triage-files', m.hash);
  const cached = await deps.store.redis.get(key);
  if (cached) return JSON.parse(cached) as FileVerdict[];
  const files = (await verdicts({ config: deps.svc.ctx.config, blobs: deps.documents }, m)).map(
    (v, n): FileVerdict => ({
      n,
      filename: v.filename,
      size: v.size,
      kind: v.kind,
      sha256: v.sha256,
      ...(v.refused ? { refused: v.refused, refusedText: refusalJa(v.refused) } : {}),
    }),
  );
  await deps.store.redis.set(key, JSON.stringify(files), 'EX', VERDICT_TTL_S);
  return files;
}

const whole = (deps: InboundDeps, hash: string) => deps.parse(hash, { spill: false, skim: false });

async function threadMail(deps: InboundDeps, hash: string): Promise<ThreadMail> {
  const m = await whole(deps, hash).catch((err: unknown) => {
    if (err instanceof MadoguchiError) return err;
    throw err;
  });
  // The item stays workable (assign, link, done) when its mail cannot be shown.
  if (m instanceof MadoguchiError)
    return {
      ...{ hash, id: hash.slice(0, 16), from: '', subject: '', messageId: undefined, references: [] },
      ...{ text: '', own: '', quoted: '', headers: '', files: [], flagged: false, unreadable: m.code },
    };
  const { own, quoted } = splitQuoted(m.text);
  return {
    hash,
    id: hash.slice(0, 16),
    from: m.from ?? '',
    subject: m.subject,
    messageId: m.messageId,
    references: m.references,
    text: m.text,
    own,
    quoted,
    headers: [...m.headers].flatMap(([k, vs]) => vs.map((v) => `${k}: ${v}`)).join('\n'),
    files: await filesOf(deps, m),
    flagged: m.from ? await deps.store.isFlagged(m.from) : false,
  };
}

/** The mails of an item: the first, then every later mail of its thread, oldest first. */
export async function threadMails(deps: InboundDeps, item: TriageItem): Promise<ThreadMail[]> {
  const out: ThreadMail[] = [];
  for (const h of [item.hash, ...item.later]) out.push(await threadMail(deps, h));
  return out;
}

/**
 * One file of a mail of the item, if the checks passed it: its bytes, from the mail itself (a
 * triaged mail's files are not stored). The file must still be the one checked (same SHA-256).
 * Every access is audited (P4), with ids only.
 */
export async function triageFile(
  deps: InboundDeps,
  item: TriageItem,
  mailId: string,
  n: number,
  actor: string,
): Promise<{ filename: string; contentType: string; data: Buffer }> {
  const hash = [item.hash, ...item.later].find((h) => h.startsWith(mailId) && mailId.length >= 8);
  if (!hash) throw new MadoguchiError('NOT_FOUND', `no mail ${mailId} in triage item ${item.id}`);
  const m = await whole(deps, hash);
  const v = (await filesOf(deps, m))[n];
  const part = candidateParts(m)[n];
  if (!v || !part) throw new MadoguchiError('NOT_FOUND', `no file ${n} in mail ${mailId}`);
  if (v.refused) throw new MadoguchiError('FORBIDDEN', `file ${n} was refused: ${v.refused}`);
  const data = part.blob ? await deps.documents.get(part.blob) : part.content;
  if (createHash('sha256').update(data).digest('hex') !== v.sha256)
    throw new MadoguchiError('NOT_FOUND', `file ${n} of mail ${mailId} is not the one checked`);
  await deps.store.audit({
    rule: 'P4',
    action: 'triage-file-read',
    mail: item.id,
    actor,
    outcome: 'ok',
    reason: `file ${n}`,
  });
  return { filename: v.filename, contentType: contentTypeOfKind(v.kind), data };
}
