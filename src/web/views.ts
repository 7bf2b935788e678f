import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Eta } from 'eta';
import { CONFIG_DIR } from '../config/load.js';

// Pages are Eta templates in templates/web/, escaped by default (autoEscape: <%= %> escapes,
// only the layout's body uses the raw <%~ %>). Every label and message is in one file per
// language (messages.<lang>.json), so an English file can be added beside the Japanese one.
const DIR = path.join(path.dirname(CONFIG_DIR), 'templates', 'web');
const eta = new Eta({ views: DIR, autoEscape: true, cache: true });

export type Messages = Record<string, Record<string, string>>;
const messages = new Map<string, Messages>();
export function messagesFor(lang = 'ja'): Messages {
  let m = messages.get(lang);
  if (!m) {
    m = JSON.parse(readFileSync(path.join(DIR, `messages.${lang}.json`), 'utf8')) as Messages;
    messages.set(lang, m);
  }
  return m;
}

/** A refusal code (docs/errors.md) as a sentence a person understands; the code itself if unknown. */
export const errorText = (code: string, t = messagesFor()) => t.errors?.[code] ?? t.errors?.UNKNOWN ?? code;

export interface PageData {
  title: string;
  /** The signed-in staff member, if any (the navigation shows their name and sign-out). */
  me?: { name: string; role: string };
  csrf?: string;
  [key: string]: unknown;
}

export function page(name: string, data: PageData): string {
  return eta.render(`./${name}`, { ...data, t: messagesFor() });
}
