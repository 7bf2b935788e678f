// Connection URLs from the config, turned into client options. `imap://user:pass@host:port/INBOX`
// (imaps:// for TLS on connect), `smtp://user:pass@host:port` (smtps:// for TLS on connect).

export interface ImapTarget {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
}

export function parseImapUrl(url: string): ImapTarget {
  const u = new URL(url);
  const secure = u.protocol === 'imaps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    mailbox: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX',
  };
}

export interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
}

export function parseSmtpUrl(url: string): SmtpTarget {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  const target: SmtpTarget = { host: u.hostname, port: u.port ? Number(u.port) : secure ? 465 : 25, secure };
  if (u.username)
    target.auth = { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) };
  return target;
}

/** host:port only, safe to log. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
}
