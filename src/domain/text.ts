// Input hygiene in one place (issue #13): free text typed by staff or a seeker ends up in mail
// headers, iCalendar parameters and pages. A line break in a name becomes a new header or a new
// iCalendar line; a bidi override makes a name read differently from what it is.
//   C0 controls (CR, LF, NUL, TAB …), DEL and the C1 controls; bidi embeddings/overrides
//   (U+202A–202E), isolates (U+2066–2069) and the Arabic letter mark (U+061C).
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u061c]/;

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** One problem per field holding a character that may not be there, naming the field and the character. */
export function textProblems(fields: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const bad = value === undefined ? null : FORBIDDEN.exec(value);
    if (bad)
      out.push(
        `${name} contains a line break, control or text-direction character (${codePoint(bad[0])}); type it on one line without it`,
      );
  }
  return out;
}

// What a terminal must never receive from mail: the same controls (ESC starts a sequence that can
// rewrite the screen, set the title or worse; CR overwrites a line) except the line breaks and tabs
// of our own layout. Also the LRM/RLM marks, which reorder what a reader sees.
const TERMINAL_UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]/g;

/**
 * Text for a terminal (issue #11): every such character shown as a visible \uXXXX instead. Inside
 * a JSON string that is the same character's escape, so --json output still parses to the value.
 */
export const terminalSafe = (s: string) =>
  s.replace(TERMINAL_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
