import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifySmtpError, ERROR_CATALOGUE, isPermanent, MadoguchiError } from '../../src/errors.js';

describe('error catalogue', () => {
  it('docs/errors.md lists exactly the catalogue, with the same retry semantics and text', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| ([A-Z_]+) \| (permanent|transient) \| (.+) \|$/gm)].map((m) => [
      m[1],
      m[2],
      m[3],
    ]);
    const expected = Object.entries(ERROR_CATALOGUE).map(([code, e]) => [
      code,
      e.permanent ? 'permanent' : 'transient',
      e.description,
    ]);
    expect(rows).toEqual(expected);
  });

  it('SMTP 5xx is permanent, 4xx and connection failures are transient', () => {
    expect(classifySmtpError({ responseCode: 550, command: 'RCPT TO', message: 'no such user' }).code).toBe(
      'SMTP_PERMANENT',
    );
    expect(classifySmtpError({ responseCode: 552, message: 'too big' }).permanent).toBe(true);
    expect(classifySmtpError({ responseCode: 451, message: 'try later' }).code).toBe('SMTP_TRANSIENT');
    expect(classifySmtpError({ responseCode: 421, message: 'closing' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }).code).toBe(
      'SMTP_UNAVAILABLE',
    );
    expect(classifySmtpError({ code: 'ETIMEDOUT' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 535 }).code).toBe('SMTP_AUTH_FAILED');
  });

  it('unknown errors are retried rather than dropped', () => {
    expect(isPermanent(new Error('boom'))).toBe(false);
    expect(isPermanent(new MadoguchiError('LEAD_TIME', 'too late'))).toBe(true);
  });
});
