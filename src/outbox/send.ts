import { UnrecoverableError } from 'bullmq';
import type { Transporter } from 'nodemailer';
import { replicated } from '../adapters/redis.js';
import { classifySmtpError } from '../errors.js';
import type { Context } from '../runtime/context.js';
import type { BlobStore } from '../storage/encrypted-store.js';
import { type OutboxJob, sentKeyFor } from './queue.js';

const SENT_TTL_S = 400 * 24 * 3600; // longer than any booking's life

export interface SendResult {
  status: 'sent' | 'already-sent';
  messageId: string;
}

/**
 * Send one queued mail at most once per key. The sent marker is written right after the SMTP
 * server accepted the message (never before: habit 11). A worker killed before DATA ends leaves
 * the server with an aborted transaction, so the retry is the only copy; one killed after the
 * server committed but before it read the 250 sends again (RFC 5321 §4.1.1.4), with the same
 * Message-ID (README, "Crashes"). Documents are attached by reference from `documents`.
 */
export async function sendOutboxMail(
  ctx: Context,
  transport: Transporter,
  job: OutboxJob,
  documents: BlobStore,
): Promise<SendResult> {
  const sentKey = sentKeyFor(ctx, job.key);
  if (await ctx.redis.exists(sentKey)) return { status: 'already-sent', messageId: job.mail.messageId };
  const m = job.mail;
  const attachments = m.attachments?.length
    ? await Promise.all(
        m.attachments.map(async (a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: await documents.get(a.blob),
        })),
      )
    : undefined;
  try {
    const info = await transport.sendMail({
      from: m.from,
      to: m.to,
      subject: m.subject,
      text: m.text,
      ...(m.html ? { html: m.html } : {}),
      messageId: m.messageId,
      ...(m.inReplyTo ? { inReplyTo: m.inReplyTo, references: m.references ?? [m.inReplyTo] } : {}),
      headers: m.headers,
      ...(attachments ? { attachments } : {}),
      // The iMIP part as a third alternative (RFC 6047 2.4), not nodemailer's icalEvent: that one
      // also attaches an application/ics copy, and some clients then show the invite twice.
      ...(m.icalEvent
        ? {
            alternatives: [
              {
                contentType: `text/calendar; charset=utf-8; method=${m.icalEvent.method}`,
                content: m.icalEvent.content,
              },
            ],
          }
        : {}),
    });
    await ctx.redis.set(
      sentKey,
      JSON.stringify({ at: new Date().toISOString(), response: info.response }),
      'EX',
      SENT_TTL_S,
    );
    // The marker on a replica before the job completes: a failover now cannot send it again.
    await replicated(ctx.redis, ctx.config);
    return { status: 'sent', messageId: m.messageId };
  } catch (err) {
    const e = classifySmtpError(err);
    if (e.permanent) throw new UnrecoverableError(`${e.code}: ${e.message}`);
    throw e;
  }
}
