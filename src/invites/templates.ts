import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_DIR } from '../config/load.js';

const TEMPLATES_DIR = path.join(path.dirname(CONFIG_DIR), 'templates');
const cache = new Map<string, string>();

function read(file: string): string {
  let t = cache.get(file);
  if (t === undefined) {
    t = readFileSync(path.join(TEMPLATES_DIR, file), 'utf8');
    cache.set(file, t);
  }
  return t;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function fill(template: string, vars: Record<string, string>, html = false): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => {
    const v = vars[key];
    if (v === undefined) throw new Error(`template value {{${key}}} is missing`);
    return html ? escapeHtml(v) : v;
  });
}

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

/** templates/<kind>/{subject.txt, body.txt, body.html} with `vars`. */
export function render(kind: string, vars: Record<string, string>): Rendered {
  return {
    subject: fill(read(`${kind}/subject.txt`), vars).trim(),
    text: fill(read(`${kind}/body.txt`), vars),
    html: fill(read(`${kind}/body.html`), vars, true),
  };
}

export function renderPlain(file: string, vars: Record<string, string>): string {
  return fill(read(file), vars).trimEnd();
}

/** Which file answers for a reply in a language: looked up once (staff and ops replies are ja only). */
const replyFiles = new Map<string, string>();

/** templates/replies/<name>.<lang>.txt: first line `Subject: …`, then the body. Falls back to ja. */
export function renderReply(name: string, lang: 'ja' | 'en', vars: Record<string, string>): Rendered {
  const key = `${name}.${lang}`;
  let file = replyFiles.get(key);
  if (file === undefined) {
    file = existsSync(path.join(TEMPLATES_DIR, `replies/${key}.txt`))
      ? `replies/${key}.txt`
      : `replies/${name}.ja.txt`;
    replyFiles.set(key, file);
  }
  const t = read(file);
  const nl = t.indexOf('\n');
  const subject = fill(t.slice(0, nl).replace(/^Subject:\s*/, ''), vars).trim();
  const text = fill(t.slice(nl + 1), vars);
  return { subject, text, html: '' };
}
