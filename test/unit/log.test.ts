import { describe, expect, it } from 'vitest';
import { createLogger, PERSONAL } from '../../src/log.js';

// P4, P5: the logger (pino) removes personal-data keys wherever a caller put them.
describe('logger (P4, P5)', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, log: createLogger('info', { svc: 't' }, (l) => lines.push(l)) };
  };
  const SECRET = '山田太郎-taro@example.jp-01020-12345678';

  it('writes JSON lines with ids and drops fields that hold personal data', () => {
    const { lines, log } = capture();
    log.child({ job: 'j1' }).info('booked', {
      booking: 'b1',
      name: '山田太郎',
      email: 'taro@example.jp',
      seekerNumber: '01020-12345678',
    });
    log.debug('hidden');
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0]!);
    expect(rec).toMatchObject({ level: 'info', msg: 'booked', svc: 't', job: 'j1', booking: 'b1' });
    expect(typeof rec.t).toBe('string');
    expect(lines[0]).not.toMatch(/山田|taro|01020/);
  });

  it('every key of the list, at the top, nested one and two levels, and in arrays, never reaches the output', () => {
    const { lines, log } = capture();
    for (const k of PERSONAL) {
      log.warn('top', { [k]: SECRET, keep: 1 });
      log.warn('nested', { mail: { [k]: SECRET }, keep: 2 });
      log.warn('deeper', { job: { data: { [k]: SECRET } }, keep: 3 });
      log.warn('array', { items: [{ [k]: SECRET }, { [k]: SECRET }], keep: 4 });
      log.child({ [k]: SECRET }).warn('child', { keep: 5 });
    }
    expect(lines).toHaveLength(PERSONAL.length * 5);
    for (const l of lines) {
      expect(l).not.toContain('山田太郎');
      expect(JSON.parse(l).keep).toBeGreaterThan(0); // the rest of the line is kept
    }
  });

  it('an error is logged by code and message only (no stack that might quote a mail)', () => {
    const { lines, log } = capture();
    log.error('failed', { err: Object.assign(new Error('boom'), { code: 'E_X' }) });
    expect(JSON.parse(lines[0]!).err).toEqual({ code: 'E_X', message: 'boom' });
  });
});
