import { describe, expect, it } from 'vitest';
import { validateSeeker } from '../../src/bookings/service.js';
import { textProblems } from '../../src/domain/text.js';

// Issue #13 part 3: control characters and bidi overrides are refused in every free-text input,
// with an error naming the field, before they can reach a mail header or an iCalendar line.
const seeker = {
  seekerNumber: '01020-12345678',
  name: '山田 太郎',
  birthdate: '1985-01-01',
  email: 'seeker@example.jp',
  phone: '0134-00-0000',
  at: '2026-12-16T10:00',
  topic: '履歴書',
  actor: 'staff',
};
const problems = (over: Partial<typeof seeker>) => {
  try {
    validateSeeker({ ...seeker, ...over });
    return [];
  } catch (e) {
    expect(e).toMatchObject({ code: 'SEEKER_INVALID' });
    return (e as { details: { problems: string[] } }).details.problems;
  }
};

describe('input hygiene (one place: src/domain/text.ts)', () => {
  it.each([
    ['CR LF', 'A\r\nB', 'U+000D'],
    ['LF', 'A\nB', 'U+000A'],
    ['NUL', 'A\0B', 'U+0000'],
    ['TAB', 'A\tB', 'U+0009'],
    ['C1 (NEL)', 'A\u0085B', 'U+0085'],
    ['RIGHT-TO-LEFT OVERRIDE', '山田\u202e郎太', 'U+202E'],
    ['FIRST STRONG ISOLATE', '山田\u2068太郎', 'U+2068'],
  ])('%s in a name is refused, naming the field and the character', (_n, name, cp) => {
    const p = problems({ name });
    expect(p).toHaveLength(1);
    expect(p[0]).toContain('name');
    expect(p[0]).toContain(cp);
  });
  it('topic, e-mail and phone are checked too, all problems at once', () => {
    expect(problems({ topic: 'a\rb', email: 'x@example.jp\n', phone: '0134\u202e' })).toHaveLength(3 + 1); // + the phone's own form
  });
  it('ordinary Japanese, emoji, combining marks and punctuation pass', () => {
    expect(textProblems({ name: '山田 "テスト" 太郎 🙂 が\u3099 ^;:,\\' })).toEqual([]);
    expect(problems({})).toEqual([]);
  });
});
