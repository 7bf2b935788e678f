// The body of a parse thread (see parse-threads.ts): reads a spooled mail and parses it, one task
// at a time. No time limit here: the pool terminates the whole thread instead.
import { MadoguchiError } from '../errors.js';
import { serveTasks, threadData } from '../runtime/thread-pool.js';
import { stores } from '../storage/encrypted-store.js';
import { everyPart, type ParseOptions, parseHere, SPILL_ABOVE, warmParser } from './parse.js';

export interface ParseThreadData {
  dataDir: string;
  storage: { key: string; previousKeys: string[] };
  maxBytes: number;
}

const data = threadData<ParseThreadData>();
const parse = parseHere(stores(data), { maxBytes: data.maxBytes });
await warmParser();

serveTasks<{ hash: string; opts: ParseOptions }>(async ({ hash, opts }) => {
  try {
    const mail = await parse(hash, opts);
    // Attachment bytes that own their whole ArrayBuffer move to the main thread instead of being
    // copied; a view into a shared one (Node's small-buffer pool) is copied.
    const transfer = new Set<ArrayBuffer>();
    for (const a of everyPart(mail)) {
      const b = a.content.buffer;
      if (b instanceof ArrayBuffer && a.content.byteOffset === 0 && b.byteLength === a.content.byteLength)
        transfer.add(b);
    }
    // A large mail grew this thread's heap by about twice its size, kept by V8 after the parse
    // (60 MB for a 25 MB attachment, still held while the PDF thread read it): ended, it is returned.
    const size = everyPart(mail).reduce((n, a) => n + a.size, 0);
    return { result: { ok: true, mail }, transfer: [...transfer], retire: size > SPILL_ABOVE };
  } catch (err) {
    const mine = err instanceof MadoguchiError;
    return { result: { ok: false, code: mine ? err.code : undefined, message: String(err).slice(0, 200) } };
  }
});
