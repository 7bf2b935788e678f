import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, maskSecrets } from '../../src/config/load.js';
import { MadoguchiError } from '../../src/errors.js';

function tmpFile(name: string, text: string): string {
  const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'cfg-')), name);
  writeFileSync(f, text);
  return f;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MadoguchiError);
    expect((err as MadoguchiError).code).toBe('CONFIG_INVALID');
    return (err as MadoguchiError).details?.problems as string[];
  }
  throw new Error('expected CONFIG_INVALID');
}

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('configuration', () => {
  it('P5: without a storage key the service refuses to start and says how to make one', () => {
    expect(problemsOf(() => loadConfig({ env: {} })).join('\n')).toMatch(/storage\.key: expected 32 bytes/);
  });

  it('the shipped defaults are valid and carry the Otaru office values of RULES.md', () => {
    const c = loadConfig({ env: { MADOGUCHI_STORAGE_KEY: KEY } });
    expect(c.booking.slotMinutes).toBe(30); // B1
    expect(c.booking.hours).toEqual([
      { start: '10:00', end: '12:00' },
      { start: '13:00', end: '16:00' },
    ]); // B2
    expect(c.booking.leadDays).toBe(1); // B4
    expect(c.booking.useCap).toBeNull(); // B11 off by default
    expect(c.noShow.graceMinutes).toBe(10); // C3
    expect(c.office.phone).toBe('0134-32-8689');
    expect(c.office.departmentCode).toBe('41#');
    expect(Object.isFrozen(c.booking)).toBe(true);
  });

  it('a config with three mistakes yields one message naming all three keys', () => {
    const file = tmpFile(
      'office.yaml',
      'booking:\n  slotMinutes: "thirty"\noffice:\n  phone: call-us\n  consultationAddress: nobody\n',
    );
    let message = '';
    try {
      loadConfig({ env: { MADOGUCHI_STORAGE_KEY: KEY, MADOGUCHI_CONFIG: file } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/3 problems/);
    expect(message).toContain('booking.slotMinutes');
    expect(message).toContain('office.phone');
    expect(message).toContain('office.consultationAddress');
  });

  it('environment overrides the files; MADOGUCHI_CONFIG layers over the defaults', () => {
    const file = tmpFile(
      'o.json',
      JSON.stringify({ office: { name: '札幌公共職業安定所' }, dataDir: '/from-file' }),
    );
    const c = loadConfig({
      env: {
        MADOGUCHI_STORAGE_KEY: KEY,
        MADOGUCHI_CONFIG: file,
        MADOGUCHI_DATA_DIR: '/from-env',
        REDIS_URL: 'redis://10.0.0.1:6380/2',
      },
    });
    expect(c.office.name).toBe('札幌公共職業安定所');
    expect(c.office.phone).toBe('0134-32-8689'); // untouched keys keep their defaults
    expect(c.dataDir).toBe('/from-env');
    expect(c.connections.redisUrl).toBe('redis://10.0.0.1:6380/2');
  });

  it('reports misspelt keys, bad URLs, unreadable files and bad YAML, all at once', () => {
    const bad = tmpFile('bad.yaml', 'booking:\n  slotMinuts: 30\n');
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          MADOGUCHI_STORAGE_KEY: KEY,
          MADOGUCHI_CONFIG: bad,
          IMAP_URL: 'http://x/INBOX',
          SMTP_URL: 'nope',
        },
      }),
    );
    expect(problems).toContain('booking.slotMinuts: unknown key');
    expect(problems.some((p) => p.startsWith('connections.imapUrl:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('connections.smtpUrl:'))).toBe(true);
    expect(
      problemsOf(() =>
        loadConfig({ env: { MADOGUCHI_STORAGE_KEY: KEY, MADOGUCHI_CONFIG: '/nonexistent.yaml' } }),
      )[0],
    ).toMatch(/cannot read/);
    const broken = tmpFile('broken.yaml', 'office: [\n');
    expect(
      problemsOf(() => loadConfig({ env: { MADOGUCHI_STORAGE_KEY: KEY, MADOGUCHI_CONFIG: broken } }))[0],
    ).toMatch(/not valid YAML/);
  });

  it('rejects office hours whose start is not before their end', () => {
    const f = tmpFile('h.yaml', 'booking:\n  hours: [{ start: "13:00", end: "12:00" }]\n');
    expect(
      problemsOf(() => loadConfig({ env: { MADOGUCHI_STORAGE_KEY: KEY, MADOGUCHI_CONFIG: f } })),
    ).toEqual(['booking.hours.0: start must be before end']);
  });

  it('config check masks passwords in connection URLs', () => {
    const c = loadConfig({
      env: {
        MADOGUCHI_STORAGE_KEY: KEY,
        IMAP_URL: 'imaps://consult:hunter2@mail.example:993/INBOX',
        SMTP_URL: 'smtps://u:p4ss@smtp.example',
      },
    });
    const text = JSON.stringify(maskSecrets(c));
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('p4ss');
    expect(text).toContain('imaps://consult:***@mail.example:993/INBOX');
  });

  it('Redis Sentinel from the environment: nodes as a list, WAIT defaults, password masked, bad nodes named', () => {
    const c = loadConfig({
      env: {
        MADOGUCHI_STORAGE_KEY: KEY,
        REDIS_SENTINEL_NAME: 'mado',
        REDIS_SENTINEL_NODES: '10.0.0.1:26379, 10.0.0.2:26379',
        REDIS_SENTINEL_PASSWORD: 's3ntinel',
      },
    });
    expect(c.connections.sentinel).toEqual({
      name: 'mado',
      nodes: ['10.0.0.1:26379', '10.0.0.2:26379'],
      password: 's3ntinel',
      waitReplicas: 1,
      waitTimeoutMs: 2000,
    });
    expect(JSON.stringify(maskSecrets(c))).not.toContain('s3ntinel');
    expect(loadConfig({ env: { MADOGUCHI_STORAGE_KEY: KEY } }).connections.sentinel).toBeNull();
    const problems = problemsOf(() =>
      loadConfig({ env: { MADOGUCHI_STORAGE_KEY: KEY, REDIS_SENTINEL_NODES: 'host-without-port' } }),
    );
    expect(problems.join('\n')).toMatch(/connections\.sentinel\.name/);
    expect(problems.join('\n')).toMatch(/connections\.sentinel\.nodes\.0: expected host:port/);
  });
});
