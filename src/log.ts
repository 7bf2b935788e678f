import { pino } from 'pino';

// Structured JSON logs with pino (Fastify's own logger), one line each, on stderr. Fields carry
// ids (job, booking, message hash), never people (P4, P5): callers pass ids, and pino's `redact`
// removes the keys that name personal data, at the top and nested, before a line is written.

export type Level = 'debug' | 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;

// Defence in depth: even if a caller passes one of these, it never reaches the log.
export const PERSONAL = [
  'name',
  'email',
  'phone',
  'birthdate',
  'seekerNumber',
  'address',
  'body',
  'subject',
  'text',
  'html',
  'from',
  'to',
  'filename',
];
// fast-redact paths: the key itself, and under one or two levels of objects or arrays.
const PATHS = PERSONAL.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*[*].${k}`, `*.*[*].${k}`]);

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

// An error is logged by its code and message (a stack or a cause may quote a mail).
const plain = (fields: Fields = {}): Fields => {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields))
    out[k] = v instanceof Error ? { code: (v as { code?: unknown }).code, message: v.message } : v;
  return out;
};

const wrap = (p: pino.Logger): Logger => ({
  debug: (m, f) => p.debug(plain(f), m),
  info: (m, f) => p.info(plain(f), m),
  warn: (m, f) => p.warn(plain(f), m),
  error: (m, f) => p.error(plain(f), m),
  child: (f) => wrap(p.child(plain(f))),
});

/**
 * A logger writing JSON lines (`write` for tests; stderr, synchronously, by default so the last
 * line before a crash is not lost). `pretty` (config log.pretty; the demo) prints for people instead.
 */
export function createLogger(
  level: Level = 'info',
  base: Fields = {},
  write?: (line: string) => void,
  pretty = false,
): Logger {
  const dest = write
    ? { write }
    : pretty
      ? pino.transport({ target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss' } })
      : pino.destination({ dest: 2, sync: true });
  const p = pino(
    {
      level,
      base: null,
      messageKey: 'msg',
      timestamp: () => `,"t":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: PATHS, remove: true },
      serializers: { err: (e: unknown) => e }, // already { code, message }: see plain()
    },
    dest,
  );
  return wrap(p.child(plain(base)));
}
