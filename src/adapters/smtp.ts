import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config/schema.js';
import { parseSmtpUrl } from './urls.js';

/** The pooled nodemailer transport for `connections.smtpUrl` (the outbox's; the benches' baselines too). */
export function createSmtpTransport(config: {
  connections: Pick<Config['connections'], 'smtpUrl'>;
}): Transporter {
  const t = parseSmtpUrl(config.connections.smtpUrl);
  return nodemailer.createTransport({
    host: t.host,
    port: t.port,
    secure: t.secure,
    ...(t.auth ? { auth: t.auth } : {}),
    // Local relays often run without certificates; the URL scheme decides TLS, not opportunism.
    ignoreTLS: !t.secure && ['127.0.0.1', 'localhost', '::1'].includes(t.host),
    // A pool keeps SMTP sessions open between sends: without it every mail pays a new connection.
    pool: true,
    maxConnections: 4,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  });
}
