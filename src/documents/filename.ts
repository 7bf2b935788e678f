import path from 'node:path';

// A seeker's file name, made safe to show and to attach: never a path, never a control or bidi
// character (U+202E turns "履歴書\u202Efdp.exe" into what looks like "履歴書exe.pdf"), NFC, capped.

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const MAX = 100;

export function safeFilename(original: string, fallbackExt = ''): string {
  let name = (original.split(/[\\/]/).pop() ?? '').replace(CONTROL, '').replace(BIDI, '').normalize('NFC');
  name = name.replace(/^[.\s]+|[.\s]+$/g, '');
  if (!name) name = `document${fallbackExt}`;
  if ([...name].length > MAX) {
    const ext = path.extname(name).slice(0, 10);
    name = [...name.slice(0, name.length - ext.length)].slice(0, MAX - ext.length).join('') + ext;
  }
  return name;
}

export const extOf = (name: string) => path.extname(name).toLowerCase();
