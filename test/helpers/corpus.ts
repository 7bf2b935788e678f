import { readdirSync } from 'node:fs';
import path from 'node:path';

/** The real-world mails copied from ../shared/corpus (see fixtures/corpus/README.md). */
export const CORPUS = path.resolve(import.meta.dirname, '../fixtures/corpus');

/** Every corpus .eml, as a path under CORPUS (e.g. 'email-japanese/x.eml'). */
export const corpusMails = (): string[] =>
  readdirSync(CORPUS)
    .filter((d) => d.startsWith('email-'))
    .flatMap((d) =>
      readdirSync(path.join(CORPUS, d))
        .filter((f) => f.endsWith('.eml'))
        .map((f) => path.join(d, f)),
    );
