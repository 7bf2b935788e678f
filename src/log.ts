// Structured JSON logs, one line each, on stderr. Fields carry ids (job, booking, message hash),
// never people (P4, P5): callers pass ids, and this module drops keys that name personal data.

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type Level = keyof typeof LEVELS;
export type Fields = Record<string, unknown>;

// Defence in depth: even if a caller passes one of these, it never reaches the log.
const PERSONAL = new Set([
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
]);

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

export function createLogger(
  level: Level = 'info',
  base: Fields = {},
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const min = LEVELS[level];
  const emit = (lvl: Level, msg: string, fields: Fields = {}) => {
    if (LEVELS[lvl] < min) return;
    const rec: Fields = { t: new Date().toISOString(), level: lvl, msg };
    for (const [k, v] of Object.entries({ ...base, ...fields })) {
      if (PERSONAL.has(k)) continue;
      rec[k] = v instanceof Error ? { code: (v as { code?: unknown }).code, message: v.message } : v;
    }
    write(`${JSON.stringify(rec)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (f) => createLogger(level, { ...base, ...f }, write),
  };
}
