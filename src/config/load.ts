import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { z } from 'zod';
import { MadoguchiError } from '../errors.js';
import { type Config, configSchema } from './schema.js';

/** The project's config/ folder, next to src/ both from source and from dist/. */
export const CONFIG_DIR = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const up = here.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..';
  return path.resolve(here, up, 'config');
})();

// Environment variables that override a key. The only place env names are known.
export const ENV_OVERRIDES: Record<string, string[]> = {
  REDIS_URL: ['connections', 'redisUrl'],
  IMAP_URL: ['connections', 'imapUrl'],
  SMTP_URL: ['connections', 'smtpUrl'],
  MADOGUCHI_REDIS_PREFIX: ['connections', 'redisPrefix'],
  REDIS_SENTINEL_NAME: ['connections', 'sentinel', 'name'],
  REDIS_SENTINEL_NODES: ['connections', 'sentinel', 'nodes'],
  REDIS_SENTINEL_PASSWORD: ['connections', 'sentinel', 'password'],
  MADOGUCHI_DATA_DIR: ['dataDir'],
  MADOGUCHI_LOG_LEVEL: ['log', 'level'],
  MADOGUCHI_LOG_PRETTY: ['log', 'pretty'],
  MADOGUCHI_STORAGE_KEY: ['storage', 'key'],
  MADOGUCHI_WEB_HOST: ['web', 'host'],
  MADOGUCHI_WEB_PORT: ['web', 'port'],
  MADOGUCHI_METRICS_HOST: ['metrics', 'host'],
  MADOGUCHI_METRICS_PORT: ['metrics', 'port'],
};
// Environment values are strings; these settings are numbers in the schema.
const NUMERIC = new Set(['MADOGUCHI_WEB_PORT', 'MADOGUCHI_METRICS_PORT']);
const BOOLEAN = new Set(['MADOGUCHI_LOG_PRETTY']);
// Comma-separated lists.
const LIST = new Set(['REDIS_SENTINEL_NODES']);

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; arrays and scalars replace (a list of closed dates is a whole). */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlain(base) || !isPlain(over)) return over === undefined ? base : over;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

function readLayer(file: string, problems: string[]): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return {};
  }
  try {
    const doc = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
    if (doc == null) return {};
    if (!isPlain(doc)) problems.push(`${file}: expected a mapping at the top level`);
    return isPlain(doc) ? doc : {};
  } catch (err) {
    problems.push(
      `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'} (${(err as Error).message.split('\n')[0]})`,
    );
    return {};
  }
}

function setPath(obj: Plain, keys: string[], value: unknown): void {
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (!isPlain(cur[k])) cur[k] = {};
    cur = cur[k] as Plain;
  }
  cur[keys[keys.length - 1]!] = value;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${[...issue.path, k].join('.')}: unknown key`).join('\n  - ');
  }
  return `${key}: ${issue.message}`;
}

export interface LoadOptions {
  env?: Record<string, string | undefined>;
  /** Extra file layered over the defaults; MADOGUCHI_CONFIG in env does the same. */
  file?: string;
  defaultsFile?: string;
}

/**
 * Build the effective configuration: config/default.yaml, then MADOGUCHI_CONFIG, then the
 * environment. Validated once; every problem is reported in one error; the result is frozen.
 */
export function loadConfig(opts: LoadOptions = {}): Readonly<Config> {
  const env = opts.env ?? {};
  const problems: string[] = [];
  let raw = readLayer(opts.defaultsFile ?? path.join(CONFIG_DIR, 'default.yaml'), problems);
  const extra = opts.file ?? env.MADOGUCHI_CONFIG;
  if (extra) raw = deepMerge(raw, readLayer(path.resolve(extra), problems));
  const overrides: Plain = {};
  for (const [name, keys] of Object.entries(ENV_OVERRIDES)) {
    const v = env[name];
    if (v !== undefined && v !== '')
      setPath(
        overrides,
        keys,
        NUMERIC.has(name) && /^\d+$/.test(v)
          ? Number(v)
          : BOOLEAN.has(name) && /^(1|0|true|false)$/.test(v)
            ? v === '1' || v === 'true'
            : LIST.has(name)
              ? v.split(',').map((x) => x.trim())
              : v,
      );
  }
  raw = deepMerge(raw, overrides);

  const result = configSchema.safeParse(raw);
  if (!result.success) problems.push(...result.error.issues.map(describeIssue));
  if (problems.length || !result.success) {
    const lines = problems.map((p) => `  - ${p}`).join('\n');
    throw new MadoguchiError(
      'CONFIG_INVALID',
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines}`,
      {
        details: { problems },
      },
    );
  }
  return deepFreeze(result.data);
}

function deepFreeze<T>(o: T): Readonly<T> {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

const SECRET_URL_KEYS = new Set(['redisUrl', 'imapUrl', 'smtpUrl']);

/** The effective config for display: passwords in connection URLs replaced by ***. */
export function maskSecrets(config: Config): unknown {
  return JSON.parse(
    JSON.stringify(config, (key, value) => {
      if (key === 'key' && typeof value === 'string') return value ? '***' : value; // storage.key
      if (key === 'previousKeys' && Array.isArray(value)) return value.map(() => '***');
      if (key === 'password' && typeof value === 'string') return '***'; // connections.sentinel
      if (SECRET_URL_KEYS.has(key) && typeof value === 'string') {
        try {
          const u = new URL(value);
          if (u.password) u.password = '***';
          return u.toString();
        } catch {
          return value;
        }
      }
      return value;
    }),
  );
}
