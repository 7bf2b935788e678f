// npm run bench: figures printed beside a baseline measured in the same run, on private servers.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrivateDovecot } from '../src/devstack/dovecot.js';
import { PrivateRedis } from '../src/devstack/redis.js';
import { SmtpSink } from '../src/devstack/smtp-sink.js';
import { BENCHES } from './registry.js';

// `npm run bench -- inbound` runs the benches whose name starts with that word.
const only = process.argv[2];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'madoguchi-bench-'));
chmodSync(tmp, 0o755);
const redis = new PrivateRedis(path.join(tmp, 'redis'));
const sink = new SmtpSink();
const dovecot = new PrivateDovecot(path.join(tmp, 'dovecot'), [
  'bench-lat',
  'bench-raw',
  'bench-tp',
  'bench-docs',
]);
await Promise.all([redis.start(), sink.start(), dovecot.start()]);
try {
  for (const bench of BENCHES) {
    if (only && !bench.name.startsWith(only)) continue;
    const rows = await bench.run({ redisUrl: redis.url, redis, sink, dovecot, tmp });
    process.stdout.write(`\n## ${bench.name}\n`);
    for (const r of rows) process.stdout.write(`${r.label.padEnd(48)} ${r.value}\n`);
  }
} finally {
  await sink.stop();
  await dovecot.stop();
  await redis.stop();
  rmSync(tmp, { recursive: true, force: true });
}
