import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

describe('logger (P4, P5)', () => {
  it('writes JSON lines with ids and drops fields that hold personal data', () => {
    const lines: string[] = [];
    const log = createLogger('info', { svc: 't' }, (l) => lines.push(l)).child({ job: 'j1' });
    log.info('booked', {
      booking: 'b1',
      name: '山田太郎',
      email: 'taro@example.jp',
      seekerNumber: '01020-12345678',
    });
    log.debug('hidden');
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0]!);
    expect(rec).toMatchObject({ level: 'info', msg: 'booked', svc: 't', job: 'j1', booking: 'b1' });
    expect(lines[0]).not.toMatch(/山田|taro|01020/);
  });
});
