import type { Config } from '../config/schema.js';
import { stores } from './encrypted-store.js';

/**
 * `storage rotate-key` (issue #12): every stored file (raw mail in the spool, documents) read
 * under storage.previousKeys is written again under storage.key. Each file is replaced atomically,
 * so a run killed midway leaves every file readable (old or new key) and a second run finishes
 * the rest: resumable by design, nothing to record. Once every file opens with the current key,
 * the previous keys can be removed from the configuration.
 */
export async function rotateKey(
  config: Readonly<Config>,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<{ files: number; rewritten: number; oldKeyRemovable: boolean }> {
  const { spool, documents } = stores(config);
  const all = [
    ...(await spool.list()).map((f) => ({ store: spool, hash: f.hash })),
    ...(await documents.list()).map((f) => ({ store: documents, hash: f.hash })),
  ];
  let rewritten = 0;
  for (const [i, f] of all.entries()) {
    if (await f.store.rekey(f.hash)) rewritten++;
    if ((i + 1) % 50 === 0) progress(i + 1, all.length);
  }
  progress(all.length, all.length);
  // rekey() threw for a file no key opens: reaching here means every file is now current.
  return { files: all.length, rewritten, oldKeyRemovable: true };
}
