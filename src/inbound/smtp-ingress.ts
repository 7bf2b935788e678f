import { authenticate, type DNSResolver } from 'mailauth';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { replicated } from '../adapters/redis.js';
import type { Context } from '../runtime/context.js';
import type { Handle } from '../runtime/processes.js';
import { inboundStores } from './deps.js';
import { createInboundQueue, inboundJobId } from './queue.js';
import type { MailRef } from './store.js';

export type DnsResolver = DNSResolver;

/** Where an SMTP-delivered mail "lives": no IMAP mailbox, so no UID and nothing to move. */
const SMTP_MAILBOX = 'smtp';

/**
 * Optional SMTP ingress: the same pipeline as the IMAP watcher, fed by an smtp-server listener.
 * SPF, DKIM and DMARC are checked by mailauth on the real session (client IP, HELO, MAIL FROM), and
 * its Authentication-Results are prepended under our authserv-id, which the decision trusts: the
 * topmost header with that id is ours, whatever the sender forged below it. The 250 is sent only
 * once the mail is spooled and queued, so a crash before that makes the sending MTA retry; its
 * retry of an accepted mail is the same bytes and the same job.
 */
export async function startSmtpIngress(ctx: Context, resolver?: DnsResolver): Promise<Handle> {
  const cfg = ctx.config.ingress.smtp;
  const log = ctx.log.child({ proc: 'ingress' });
  if (!cfg.enabled) return { name: 'ingress', close: async () => {} };
  const deps = inboundStores(ctx);
  const queue = createInboundQueue(ctx);
  const max = ctx.config.inbound.maxMailBytes;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: max,
    banner: 'madoguchi ingress',
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= max) chunks.push(c);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded || size > max)
          return cb(Object.assign(new Error('message exceeds the size limit'), { responseCode: 552 }));
        accept(Buffer.concat(chunks), session).then(
          () => cb(),
          (err) => {
            log.warn('ingress could not accept a mail', { err });
            cb(Object.assign(new Error('try again later'), { responseCode: 451 }));
          },
        );
      });
    },
  });
  server.on('error', (err) => log.warn('ingress connection error', { err }));

  const accept = async (raw: Buffer, session: SMTPServerSession) => {
    const auth = await authenticate(raw, {
      ip: session.remoteAddress,
      helo: session.hostNameAppearsAs,
      sender: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      mta: cfg.authservId,
      disableBimi: true,
      ...(resolver ? { resolver } : {}),
    });
    const stamped = Buffer.concat([Buffer.from(auth.headers, 'utf8'), raw]);
    const hash = await deps.spool.putBuffer(stamped);
    if (await deps.store.done(hash)) return;
    const ref: MailRef = {
      hash,
      mailbox: SMTP_MAILBOX,
      uidValidity: SMTP_MAILBOX,
      uid: 0,
      internalDate: new Date().toISOString(), // receipt time: this is our INTERNALDATE
      size: stamped.length,
    };
    await queue.add('mail', ref, { jobId: inboundJobId(hash) });
    await replicated(ctx.redis, ctx.config); // the 250 is the acknowledgement: it must survive a failover
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => resolve());
  });
  log.info('SMTP ingress listening', { port: cfg.port });
  return {
    name: 'ingress',
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await queue.close();
    },
  };
}
