// The demo: madoguchi end to end on private local servers (Redis, Dovecot, an SMTP sink that
// writes every message it receives to a folder), with sample data. Ctrl-C stops everything.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrivateDovecot } from '../src/devstack/dovecot.js';
import { PrivateRedis } from '../src/devstack/redis.js';
import { SmtpSink } from '../src/devstack/smtp-sink.js';
import { DEMO_LOGIN, demoInbound, seedDemo } from './demo-seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'madoguchi.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'madoguchi-demo-'));
chmodSync(tmp, 0o755); // Dovecot's mail processes run as another user
const outDir = path.join(tmp, 'sent-mail');
mkdirSync(outDir);

const redis = new PrivateRedis(path.join(tmp, 'redis'));
const dovecot = new PrivateDovecot(path.join(tmp, 'dovecot'));
// Ctrl-C reaches the whole foreground process group: the servers would stop before the service,
// which then cannot finish closing. In groups of their own, they are stopped by stopAll(), last.
redis.ownGroup = true;
dovecot.ownGroup = true;
const sink = new SmtpSink();
let service: ChildProcess | undefined;

async function stopAll(): Promise<void> {
  if (service && service.exitCode === null) {
    await new Promise<void>((resolve) => {
      service?.once('exit', () => resolve());
      service?.kill('SIGTERM');
    });
  }
  await sink.stop().catch(() => {});
  await Promise.all([redis.stop(), dovecot.stop()]);
  rmSync(tmp, { recursive: true, force: true });
}

await Promise.all([redis.start(), dovecot.start(), sink.start()]);
let n = 0;
sink.on('message', (m) => {
  const file = path.join(outDir, `${String(++n).padStart(3, '0')}.eml`);
  writeFileSync(file, m.raw);
  process.stdout.write(`demo: SMTP sink received mail for ${m.to.join(', ')} -> ${file}\n`);
});

const env = {
  ...process.env,
  REDIS_URL: redis.url,
  IMAP_URL: dovecot.url('consult'),
  SMTP_URL: sink.url,
  MADOGUCHI_DATA_DIR: path.join(tmp, 'data'),
  // A throwaway key for this demo's data only; an office keeps its own secret (README).
  MADOGUCHI_STORAGE_KEY: randomBytes(32).toString('base64'),
  // The demo's "office file": the MX whose Authentication-Results are trusted (here, the demo).
  MADOGUCHI_CONFIG: path.join(tmp, 'office.yaml'),
};
const DEMO_MX = 'mx.demo.localhost';
// The console on a free port, over plain http on this machine (so its cookies cannot be Secure).
const webPort = await new Promise<number>((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as net.AddressInfo;
    probe.close(() => resolve(port));
  });
});
writeFileSync(
  env.MADOGUCHI_CONFIG,
  `inbound:\n  trustedAuthservId: ${DEMO_MX}\nweb:\n  port: ${webPort}\n  insecureCookies: true\n`,
);
const envFile = path.join(tmp, 'env.sh');
writeFileSync(
  envFile,
  ['REDIS_URL', 'IMAP_URL', 'SMTP_URL', 'MADOGUCHI_DATA_DIR', 'MADOGUCHI_STORAGE_KEY', 'MADOGUCHI_CONFIG']
    .map((k) => `export ${k}='${env[k as keyof typeof env]}'\n`)
    .join(''),
);

// Own process group: Ctrl-C reaches the demo only, which then stops the service once, gracefully.
// Logs for people to read (pino-pretty); production stays JSON lines.
service = spawn(process.execPath, [bin, 'run'], {
  env: { ...env, MADOGUCHI_LOG_PRETTY: '1' },
  stdio: ['ignore', 'inherit', 'inherit'],
  detached: true,
});
process.on('exit', () => {
  if (service?.exitCode === null) service.kill('SIGKILL');
});
service.on('exit', (code, signal) => {
  if (!stopping) {
    process.stderr.write(`demo: the service exited unexpectedly (${signal ?? code}); stopping\n`);
    void stopAll().then(() => process.exit(1));
  }
});

// Not spawnSync: the SMTP sink lives in this process and must answer the doctor.
await new Promise((resolve) =>
  spawn(process.execPath, [bin, 'doctor'], { env, stdio: 'inherit' }).on('exit', resolve),
);
await seedDemo(bin, env);
await demoInbound(env.IMAP_URL, DEMO_MX);

process.stdout.write(`
madoguchi demo is running.
  Redis        ${redis.url}
  IMAP         ${dovecot.url('consult').replace(/:[^:@]+@/, ':***@')} (users consult, staff1, staff2, seeker1, seeker2, ops; password secret)
  SMTP sink    ${sink.url}; every mail sent is saved in ${outDir}
  Console      http://127.0.0.1:${webPort}/  sign in as ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}
  Try, in another terminal:   source ${envFile} && ${bin} inbox status
                              (also: doctor, bookings --date D, quarantine list)
Press Ctrl-C to stop everything (the servers and their files are removed).
`);

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\ndemo: stopping...\n');
    void stopAll().then(() => {
      process.stdout.write('demo: stopped; nothing left running.\n');
      process.exit(0);
    });
  });
}
