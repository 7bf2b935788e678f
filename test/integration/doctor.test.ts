import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEV_PASSWORD } from '../../src/devstack/dovecot.js';
import { freePort } from '../../src/devstack/ports.js';
import type { SmtpSink } from '../../src/devstack/smtp-sink.js';
import { runDoctor } from '../../src/doctor.js';
import { startSink, testConfig, testEnv } from '../helpers/stack.js';

describe('madoguchi doctor', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(() => sink.stop());

  it('is all green against the private Redis, Dovecot and SMTP sink', async () => {
    const checks = await runDoctor(testConfig(testEnv({ smtpUrl: sink.url })));
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['redis', true],
      ['imap', true],
      ['smtp', true],
    ]);
  });

  it('says exactly what is wrong: refused port, wrong password, missing mailbox', async () => {
    const closed = await freePort();
    const env = testEnv({ smtpUrl: `smtp://127.0.0.1:${closed}` });
    env.REDIS_URL = `redis://127.0.0.1:${closed}`;
    env.IMAP_URL = `imap://consult:wrong-${DEV_PASSWORD}@127.0.0.1:${inject('dovecotPort')}/INBOX`;
    const [redis, imap, smtp] = await runDoctor(testConfig(env));
    expect(redis).toMatchObject({ ok: false, detail: expect.stringMatching(/connection refused/) });
    expect(imap).toMatchObject({ ok: false, detail: expect.stringMatching(/login refused/) });
    expect(smtp).toMatchObject({ ok: false, detail: expect.stringMatching(/connection refused/) });
    env.IMAP_URL = `imap://consult:${DEV_PASSWORD}@127.0.0.1:${inject('dovecotPort')}/NoSuchBox`;
    const [, missing] = await runDoctor(testConfig(env));
    expect(missing).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/NoSuchBox.*exist|exist.*NoSuchBox/),
    });
  });
});
