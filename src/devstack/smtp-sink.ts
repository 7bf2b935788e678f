import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface SinkMessage {
  from: string;
  to: string[];
  raw: Buffer;
  receivedAt: Date;
}

/** Lets a test make the sink answer like a real server does on a bad day. */
export type SinkResponder = (msg: {
  from: string;
  to: string[];
}) => { code: number; message: string } | undefined;

/**
 * An in-process SMTP peer (smtp-server) that records every accepted message. Accepts any AUTH.
 */
export class SmtpSink extends EventEmitter {
  readonly messages: SinkMessage[] = [];
  responder: SinkResponder | undefined;
  /**
   * Called at RCPT TO; the transaction waits until the promise settles. Lets a test hold a
   * sender mid-transaction (nothing delivered yet) and kill it there.
   */
  onRecipient: ((address: string) => Promise<void> | undefined) | undefined;
  private server: SMTPServer;
  port = 0;

  constructor() {
    super();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 64 * 1024 * 1024,
      onAuth: (_auth, _session, cb) => cb(null, { user: 'sink' }),
      onRcptTo: (address, _session, cb) => {
        const hold = this.onRecipient?.(address.address);
        if (!hold) return cb();
        hold.then(
          () => cb(),
          (err: Error) => cb(err),
        );
      },
      onData: (stream, session: SMTPServerSession, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          const to = session.envelope.rcptTo.map((r) => r.address);
          const refusal = this.responder?.({ from, to });
          if (refusal) {
            const err = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
            return cb(err);
          }
          const msg = { from, to, raw: Buffer.concat(chunks), receivedAt: new Date() };
          this.messages.push(msg);
          this.emit('message', msg);
          cb();
        });
      },
    });
    // Per-connection errors (a client killed mid-session resets its socket) are not the sink's.
    this.server.on('error', (err) => this.emit('client-error', err));
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves with the first recorded message (past or future) matching `pred`. */
  waitFor(pred: (m: SinkMessage) => boolean = () => true, timeoutMs = 10_000): Promise<SinkMessage> {
    const found = this.messages.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onMsg = (m: SinkMessage) => {
        if (!pred(m)) return;
        clearTimeout(timer);
        this.off('message', onMsg);
        resolve(m);
      };
      const timer = setTimeout(() => {
        this.off('message', onMsg);
        reject(
          new Error(
            `no matching message at the SMTP sink within ${timeoutMs} ms (${this.messages.length} recorded)`,
          ),
        );
      }, timeoutMs);
      this.on('message', onMsg);
    });
  }

  clear(): void {
    this.messages.length = 0;
  }
}
