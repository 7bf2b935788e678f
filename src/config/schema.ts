import { z } from 'zod';

// One schema for every setting. Defaults live in config/default.yaml with the rule each value
// comes from (RULES.md); this file says what a valid value is. Objects are strict so that a
// misspelt key is reported instead of silently ignored.

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm (24-hour, Japan time)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected MM-DD');
const email = z.email('expected an e-mail address');

function urlWithScheme(schemes: string[]) {
  return z.string().refine(
    (s) => {
      try {
        const u = new URL(s);
        return schemes.includes(u.protocol.replace(/:$/, '')) && u.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: `expected a URL like ${schemes.map((s) => `${s}://host:port`).join(' or ')}` },
  );
}

export const configSchema = z.strictObject({
  office: z.strictObject({
    name: z.string().min(1),
    shortName: z.string().min(1),
    phone: z
      .string()
      .regex(/^0\d{1,4}-\d{1,4}-\d{3,4}$/, 'expected a Japanese phone number like 0134-32-8689'),
    departmentCode: z.string().min(1),
    consultationAddress: email,
    operationsAddress: email,
    timezone: z.literal('Asia/Tokyo', 'the office rules are defined in Japan time'),
  }),
  booking: z
    .strictObject({
      slotMinutes: z.number().int().min(5).max(240),
      hours: z.array(z.strictObject({ start: hhmm, end: hhmm })).min(1),
      weekdays: z.array(z.number().int().min(1).max(7)).min(1),
      closedOnNationalHolidays: z.boolean(),
      yearEndClosure: z.strictObject({ from: monthDay, to: monthDay }).nullable(),
      extraClosedDates: z.array(isoDate),
      leadDays: z.number().int().min(0).max(60),
      useCap: z.strictObject({ max: z.number().int().min(1), perDays: z.number().int().min(1) }).nullable(),
      outOfScope: z.array(
        z.strictObject({
          kind: z.string().min(1),
          keywords: z.array(z.string().min(1)).min(1),
          unsure: z.array(z.string().min(1)).default([]),
          contrary: z.array(z.string().min(1)).default([]),
          ongoing: z.enum(['refer', 'triage']).default('refer'),
        }),
      ),
      referralText: z.string().min(1),
    })
    .superRefine((b, ctx) => {
      b.hours.forEach((h, i) => {
        if (h.start >= h.end)
          ctx.addIssue({ code: 'custom', path: ['hours', i], message: 'start must be before end' });
      });
    }),
  // Word lists of intent reading (src/intent/). Words, not patterns: the grammar is code.
  intents: z.strictObject({
    variants: z.record(z.string().min(1), z.string().min(1)),
    cancel: z.strictObject({
      words: z.array(z.string().min(1)).min(1),
      notJoinedTo: z.array(z.string().min(1)),
      objects: z.array(z.string().min(1)).min(1),
      needObject: z.array(z.string().min(1)).default([]),
      absence: z.array(z.string().min(1)),
      unneeded: z.array(z.string().min(1)).default([]),
      trouble: z.array(z.string().min(1)).default([]),
    }),
    bookingRequest: z.strictObject({
      words: z.array(z.string().min(1)).min(1),
      changeWords: z.array(z.string().min(1)).min(1),
    }),
  }),
  noShow: z.strictObject({ graceMinutes: z.number().int().min(0).max(120) }),
  reminders: z.strictObject({ enabled: z.boolean(), sendAt: hhmm }),
  connections: z.strictObject({
    redisUrl: urlWithScheme(['redis', 'rediss']),
    imapUrl: urlWithScheme(['imap', 'imaps']),
    smtpUrl: urlWithScheme(['smtp', 'smtps']),
    redisPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'),
    // Redis Sentinel (docs/operations.md). null = redisUrl names the one Redis.
    sentinel: z
      .strictObject({
        name: z.string().min(1),
        nodes: z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')).min(1),
        password: z.string().min(1).nullable().default(null),
        // A step the outside world sees (a mail moved out of the inbox, an SMTP 250, a sent
        // marker) first waits until this many replicas hold it (Redis WAIT): a failover then
        // cannot take it back. 0 = do not wait (asynchronous replication, may lose the last writes).
        waitReplicas: z.number().int().min(0).max(8).default(1),
        waitTimeoutMs: z.number().int().min(10).max(60_000).default(2000),
      })
      .nullable()
      .default(null),
  }),
  mail: z.strictObject({
    messageIdDomain: z.string().regex(/^[A-Za-z0-9.-]+$/, 'expected a domain name'),
    loopHeader: z.string().regex(/^X-[A-Za-z0-9-]+$/, 'expected an X- header name'),
  }),
  inbound: z.strictObject({
    mailbox: z.string().min(1),
    processedMailbox: z.string().min(1),
    quarantineMailbox: z.string().min(1),
    // authserv-id (RFC 8601) of the office's receiving server: only its Authentication-Results
    // header is believed. null = no sender is ever verified (every mail goes to staff triage).
    trustedAuthservId: z.string().min(1).nullable(),
    sweepSeconds: z.number().int().min(1).max(3600),
    leaseSeconds: z.number().int().min(2).max(600),
    maxMailBytes: z.number().int().min(1024),
    parseTimeoutMs: z.number().int().min(100),
    // Parsing runs in this many worker threads, each killed at parseTimeoutMs or parseHeapMb
    // (0 = on the main thread, where a runaway parse can only be stopped waiting for).
    parseThreads: z.number().int().min(0).max(32),
    parseHeapMb: z.number().int().min(64),
    repliesPerAddressPerDay: z.number().int().min(0).max(100),
    alertsPerHour: z.number().int().min(0).max(1000),
    watcherDownAlertSeconds: z.number().int().min(10),
  }),
  ingress: z.strictObject({
    // Optional: receive mail by SMTP (the office MX relays to us) instead of, or besides, IMAP.
    // SPF/DKIM/DMARC are checked by mailauth on the real session and stamped with authservId.
    smtp: z.strictObject({
      enabled: z.boolean(),
      host: z.string().min(1),
      port: z.number().int().min(0).max(65535),
      authservId: z.string().min(1),
    }),
  }),
  documents: z.strictObject({
    maxFileBytes: z.number().int().min(1024),
    maxMailBytes: z.number().int().min(1024),
    zip: z.strictObject({
      maxEntries: z.number().int().min(1),
      maxTotalBytes: z.number().int().min(1024),
      maxRatio: z.number().min(1),
      maxDepth: z.number().int().min(1).max(5),
    }),
    // Forwarded as attachments up to this total per mail; above it staff get a summary and fetch them.
    attachUpToBytes: z.number().int().min(0),
    retentionDays: z.number().int().min(1).max(3650),
    clamd: z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }).nullable(),
    // PDFs are read in up to this many threads per inbound process, started as PDFs wait for one
    // (each loads its own pdf.js); 0 = one per CPU core, at most 4.
    pdfThreads: z.number().int().min(0).max(16),
    pdf: z.strictObject({
      javascript: z.enum(['refuse', 'accept']),
      launch: z.enum(['refuse', 'accept']),
      embeddedFile: z.enum(['refuse', 'accept']),
      richMedia: z.enum(['refuse', 'accept']),
      xfa: z.enum(['refuse', 'accept']),
      encrypted: z.enum(['refuse', 'accept']),
    }),
  }),
  storage: z.strictObject({
    // AES-256-GCM key for everything a seeker sent (spooled mail, documents), base64 of 32 bytes.
    key: z
      .string()
      .refine(
        (k) => Buffer.from(k, 'base64').length === 32,
        'expected 32 bytes, base64 (openssl rand -base64 32)',
      ),
    // Rotation: earlier keys, still tried when reading; new files always use `key`.
    previousKeys: z.array(
      z.string().refine((k) => Buffer.from(k, 'base64').length === 32, 'expected 32 bytes, base64'),
    ),
  }),
  queues: z.strictObject({
    // BullMQ: a job whose worker stops renewing its lock for lockDurationMs is "stalled" and
    // handed to another worker; checked every stalledIntervalMs. Lower = faster takeover after a
    // crash, higher = fewer false takeovers on a loaded machine.
    lockDurationMs: z.number().int().min(500).max(600_000),
    stalledIntervalMs: z.number().int().min(500).max(600_000),
    // A process still closing this long after SIGTERM/SIGINT exits anyway (exit code 1): with
    // Redis or IMAP gone, closing can wait forever. A job cut short is retried (habit: every step
    // is idempotent), so exiting loses nothing.
    shutdownTimeoutMs: z.number().int().min(1000).max(600_000),
  }),
  web: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    insecureCookies: z.boolean(),
    sessionIdleMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    sessionMaxHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 7),
    signInAttempts: z.number().int().min(1).max(100),
    signInPerMinute: z.number().int().min(1).max(10_000),
    lockoutMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
  }),
  // Prometheus /metrics, /healthz and /readyz for a process without the console (issue #12); off
  // without a port. The web process serves them on its own port in any case.
  metrics: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).optional(),
  }),
  dataDir: z.string().min(1),
  // pretty: lines for people (pino-pretty, the demo); production stays JSON lines.
  log: z.strictObject({ level: z.enum(['debug', 'info', 'warn', 'error']), pretty: z.boolean() }),
});

export type Config = z.infer<typeof configSchema>;
