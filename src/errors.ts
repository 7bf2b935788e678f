// The one catalogue of stable error codes (after nodemailer's lib/errors.js and Fastify's
// lib/errors.js). `permanent` tells the engine whether retrying can help: a permanent failure
// becomes a BullMQ UnrecoverableError, a transient one is retried with backoff.
// docs/errors.md lists the same codes; test/unit/errors.test.ts keeps the two in step.

export const ERROR_CATALOGUE = {
  CONFIG_INVALID: {
    permanent: true,
    description: 'The configuration failed validation; every problem is listed.',
  },
  REDIS_UNAVAILABLE: { permanent: false, description: 'Redis could not be reached or did not answer.' },
  REDIS_NOT_REPLICATED: {
    permanent: false,
    description:
      'Fewer Redis replicas than connections.sentinel.waitReplicas confirmed a write in time; retried.',
  },
  IMAP_AUTH_FAILED: {
    permanent: true,
    description: 'The IMAP server refused the configured user and password.',
  },
  IMAP_UNAVAILABLE: {
    permanent: false,
    description: 'The IMAP server could not be reached or closed the connection.',
  },
  SMTP_PERMANENT: { permanent: true, description: 'The SMTP server rejected the message with a 5xx reply.' },
  SMTP_TRANSIENT: {
    permanent: false,
    description: 'The SMTP server answered with a 4xx reply; try again later.',
  },
  SMTP_UNAVAILABLE: {
    permanent: false,
    description: 'The SMTP server could not be reached or dropped the connection.',
  },
  SMTP_AUTH_FAILED: { permanent: true, description: 'The SMTP server refused the configured credentials.' },
  SLOT_INVALID: { permanent: true, description: 'The time is not a consultation slot (B1, B2).' },
  DAY_CLOSED: { permanent: true, description: 'The office has no consultations that day (B3).' },
  LEAD_TIME: { permanent: true, description: 'Bookings must be complete by the previous day (B4).' },
  SLOT_FULL: { permanent: true, description: 'No staff member is free at that time (B9).' },
  OUT_OF_SCOPE: { permanent: true, description: 'The topic is handled at the counter, not online (B12).' },
  USE_CAP_REACHED: { permanent: true, description: 'The seeker has reached the configured use cap (B11).' },
  SEEKER_INVALID: { permanent: true, description: 'A seeker field is missing or malformed (B5, B6).' },
  STAFF_INVALID: { permanent: true, description: 'A staff field is missing or malformed.' },
  NOT_FOUND: { permanent: true, description: 'The booking, seeker or staff member does not exist.' },
  BOOKING_STATE: { permanent: true, description: 'The booking is not in a state that allows this change.' },
  TRIAGE_TAKEN: {
    permanent: true,
    description: 'Another staff member took the triage item first, or it is done.',
  },
  ADDRESS_FLAGGED: {
    permanent: true,
    description: 'A delivery failure (DSN) was reported for the address; confirm before sending to it.',
  },
  FORBIDDEN: {
    permanent: true,
    description: 'The signed-in staff member may not do this (role or assignment).',
  },
  MAIL_TOO_LARGE: {
    permanent: true,
    description: 'The mail is larger than inbound.maxMailBytes; quarantined.',
  },
  MAIL_PARSE_TIMEOUT: {
    permanent: true,
    description: 'Parsing the mail took longer than inbound.parseTimeoutMs; quarantined.',
  },
  MAIL_PARSE_MEMORY: {
    permanent: true,
    description: 'Parsing the mail needed more than inbound.parseHeapMb of memory; quarantined.',
  },
  MAIL_UNPARSEABLE: { permanent: true, description: 'The mail could not be parsed at all; quarantined.' },
  MAIL_MOVE_BUSY: {
    permanent: false,
    description: 'Another live process is moving this mail on the IMAP server; retried.',
  },
  SPOOL_MISSING: {
    permanent: true,
    description: 'The spooled raw mail for a job is gone or does not match its hash.',
  },
  USAGE: { permanent: true, description: 'The command line was not understood.' },
} as const satisfies Record<string, { permanent: boolean; description: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class MadoguchiError extends Error {
  readonly code: ErrorCode;
  readonly permanent: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MadoguchiError';
    this.code = code;
    this.permanent = ERROR_CATALOGUE[code].permanent;
    this.details = options?.details;
  }
}

/** Whether retrying cannot help. Unknown errors are transient: losing a mail is worse than a retry. */
export function isPermanent(err: unknown): boolean {
  if (err instanceof MadoguchiError) return err.permanent;
  return false;
}

interface SmtpLikeError {
  code?: string;
  responseCode?: number;
  command?: string;
  message?: string;
}

/**
 * Map a nodemailer/SMTP failure onto the catalogue (EmailEngine lib/delivery-error.js does the same):
 * 5xx is permanent, 4xx transient, no reply at all (connection, timeout, DNS) transient.
 */
export function classifySmtpError(err: unknown): MadoguchiError {
  const e = (err ?? {}) as SmtpLikeError;
  const rc = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const msg = `SMTP ${e.command ?? 'send'} failed${rc ? ` (${rc})` : ''}: ${e.message ?? String(err)}`;
  if (e.code === 'EAUTH') return new MadoguchiError('SMTP_AUTH_FAILED', msg, { cause: err });
  if (rc !== undefined && rc >= 500 && rc < 600)
    return new MadoguchiError('SMTP_PERMANENT', msg, { cause: err });
  if (rc !== undefined && rc >= 400 && rc < 500)
    return new MadoguchiError('SMTP_TRANSIENT', msg, { cause: err });
  return new MadoguchiError('SMTP_UNAVAILABLE', msg, { cause: err });
}
