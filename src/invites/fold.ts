// RFC 5545 3.1: lines are folded at 75 octets (not characters) with CRLF + one space, and a fold
// must not split a UTF-8 sequence. ics 3.12 folds by characters, so Japanese lines overflow.

export function unfold(text: string): string[] {
  return text
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((l) => l !== '');
}

export function foldLine(line: string): string {
  const out: string[] = [];
  let cur = '';
  let curBytes = 0;
  let limit = 75;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (curBytes + n > limit) {
      out.push(cur);
      cur = '';
      curBytes = 0;
      limit = 74; // continuation lines start with a space, which counts
    }
    cur += ch;
    curBytes += n;
  }
  out.push(cur);
  return out.join('\r\n ');
}

export function fold(lines: string[]): string {
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
