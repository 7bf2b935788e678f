// npm run bench: figures printed beside a baseline measured in the same run, on private servers.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrivateRedis } from '../src/devstack/redis.js';
import { SmtpSink } from '../src/devstack/smtp-sink.js';
import { BENCHES } from './registry.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'madoguchi-bench-'));
chmodSync(tmp, 0o755);
const redis = new PrivateRedis(path.join(tmp, 'redis'));
const sink = new SmtpSink();
await Promise.all([redis.start(), sink.start()]);
try {
  for (const bench of BENCHES) {
    const rows = await bench.run({ redisUrl: redis.url, sink, tmp });
    process.stdout.write(`\n## ${bench.name}\n`);
    for (const r of rows) process.stdout.write(`${r.label.padEnd(48)} ${r.value}\n`);
  }
} finally {
  await sink.stop();
  await redis.stop();
  rmSync(tmp, { recursive: true, force: true });
}
