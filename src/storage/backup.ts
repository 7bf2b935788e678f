import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import { MadoguchiError } from '../errors.js';

// `madoguchi backup` / `restore` (issue #12). What is backed up:
// - every Redis key under connections.redisPrefix (bookings, sequences, triage, documents'
//   records, audit, BullMQ's queues), as DUMP payloads taken in ONE Lua call: a point-in-time copy
//   of our keys (the office's data is megabytes, so Redis pauses for milliseconds), with TTLs;
// - the data directory's encrypted files (spool, documents), copied after the snapshot: files are
//   content-addressed and written before any record names them, so every file the snapshot
//   refers to is there (one purged in between is the only possible gap, and it is expired data);
// - a manifest with the SHA-256 of every file. Never a secret: no storage key, no config.

const SNAPSHOT = `
local out, cursor = {}, '0'
repeat
  local r = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = r[1]
  for _, k in ipairs(r[2]) do
    out[#out + 1] = k
    out[#out + 1] = redis.call('PTTL', k)
    out[#out + 1] = redis.call('DUMP', k)
  end
until cursor == '0'
return out`;

const DIRS = ['spool', 'documents'];

interface Manifest {
  version: 1;
  createdAt: string;
  redisPrefix: string;
  redisKeys: number;
  files: Record<string, string>;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of DIRS) {
    const names = await readdir(path.join(root, d), { recursive: true }).catch(() => [] as string[]);
    for (const n of names.map(String))
      if (n.endsWith('.enc') && (await stat(path.join(root, d, n))).isFile()) out.push(path.join(d, n));
  }
  return out.sort();
}

/**
 * Whether Redis holds any of our data. BullMQ writes a queue's `meta` key as soon as a process
 * (this command included) opens the queue: those alone do not count.
 */
async function holdsData(redis: Redis, prefix: string): Promise<boolean> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.some((k) => !/:bull:[^:]+:meta$/.test(k))) return true;
    cursor = next;
  } while (cursor !== '0');
  return false;
}

export async function backup(config: Readonly<Config>, redis: Redis, out: string): Promise<Manifest> {
  await mkdir(out, { recursive: true });
  if ((await readdir(out)).length) throw new MadoguchiError('USAGE', `${out} is not empty`);
  const rows = (await redis.callBuffer(
    'EVAL',
    SNAPSHOT,
    '0',
    `${config.connections.redisPrefix}:*`,
  )) as Array<Buffer | number>;
  const lines: string[] = [];
  for (let i = 0; i < rows.length; i += 3)
    lines.push(
      JSON.stringify({
        k: (rows[i] as Buffer).toString('base64'),
        ttl: Number(rows[i + 1]),
        v: (rows[i + 2] as Buffer).toString('base64'),
      }),
    );
  const redisFile = Buffer.from(lines.join('\n'));
  await writeFile(path.join(out, 'redis.jsonl'), redisFile, { mode: 0o600 });
  const files: Record<string, string> = { 'redis.jsonl': sha(redisFile) };
  for (const f of await filesUnder(config.dataDir)) {
    const dest = path.join(out, 'data', f);
    await mkdir(path.dirname(dest), { recursive: true });
    await copyFile(path.join(config.dataDir, f), dest);
    files[path.join('data', f)] = sha(await readFile(dest));
  }
  const manifest: Manifest = {
    version: 1,
    createdAt: new Date().toISOString(),
    redisPrefix: config.connections.redisPrefix,
    redisKeys: lines.length,
    files,
  };
  await writeFile(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2), { mode: 0o600 });
  return manifest;
}

/**
 * Restore a backup onto an empty Redis (no key under the prefix) and an empty data directory,
 * after checking every file against the manifest. Nothing is written when a check fails.
 */
export async function restore(config: Readonly<Config>, redis: Redis, dir: string): Promise<Manifest> {
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const bad: string[] = [];
  for (const [f, want] of Object.entries(manifest.files)) {
    const got = await readFile(path.join(dir, f)).then(sha, () => 'missing');
    if (got !== want) bad.push(`${f}: ${got === 'missing' ? 'missing' : 'hash differs'}`);
  }
  if (manifest.redisPrefix !== config.connections.redisPrefix)
    bad.push(
      `backup is of prefix ${manifest.redisPrefix}, this configuration uses ${config.connections.redisPrefix}`,
    );
  if (await holdsData(redis, config.connections.redisPrefix))
    bad.push(`Redis already holds keys under ${config.connections.redisPrefix}: restore needs an empty one`);
  if ((await filesUnder(config.dataDir)).length) bad.push(`${config.dataDir} already holds stored files`);
  if (bad.length) throw new MadoguchiError('USAGE', `restore refused:\n${bad.join('\n')}`);

  const lines = (await readFile(path.join(dir, 'redis.jsonl'), 'utf8')).split('\n').filter(Boolean);
  for (let i = 0; i < lines.length; i += 500) {
    const p = redis.pipeline();
    for (const l of lines.slice(i, i + 500)) {
      const { k, ttl, v } = JSON.parse(l) as { k: string; ttl: number; v: string };
      // REPLACE: only BullMQ's queue metadata can be there (see holdsData); the backup's wins.
      p.restore(Buffer.from(k, 'base64'), Math.max(ttl, 0), Buffer.from(v, 'base64'), 'REPLACE');
    }
    for (const [err] of (await p.exec()) ?? []) if (err) throw err;
  }
  for (const f of Object.keys(manifest.files).filter((x) => x.startsWith('data'))) {
    const dest = path.join(config.dataDir, path.relative('data', f));
    await mkdir(path.dirname(dest), { recursive: true });
    await copyFile(path.join(dir, f), dest);
  }
  return manifest;
}
