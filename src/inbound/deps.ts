import { type BookingServices, bookingServices } from '../bookings/deps.js';
import type { Clock } from '../bookings/service.js';
import { DocumentStore } from '../documents/store.js';
import type { AnalyserThread } from '../intent/analyser.js';
import type { Context } from '../runtime/context.js';
import { type BlobStore, stores } from '../storage/encrypted-store.js';
import { type MailParser, parseHere, parseLimits } from './parse.js';
import { InboundStore } from './store.js';

/** Where inbound state lives: Redis records, the encrypted spool and document files, document records. */
export interface InboundStores {
  store: InboundStore;
  spool: BlobStore;
  documents: BlobStore;
  docs: DocumentStore;
}

/** What deciding and acting on mail needs: the stores, a parser and the booking services (which own queues). */
export interface InboundDeps extends InboundStores {
  svc: BookingServices;
  parse: MailParser;
}

/** The stores alone: the watcher and the SMTP ingress only spool and queue, they open no booking queues. */
export function inboundStores(ctx: Context): InboundStores {
  const prefix = ctx.config.connections.redisPrefix;
  return {
    store: new InboundStore(ctx.redis, prefix),
    docs: new DocumentStore(ctx.redis, prefix),
    ...stores(ctx.config),
  };
}

/** `parse` defaults to this thread (CLI commands); the inbound worker passes its parse threads. */
export function inboundDeps(
  ctx: Context,
  opts: { clock?: Clock; parse?: MailParser; analyser?: AnalyserThread } = {},
): InboundDeps {
  const s = inboundStores(ctx);
  return {
    ...s,
    svc: bookingServices(ctx, opts.clock, opts.analyser),
    parse: opts.parse ?? parseHere(s, parseLimits(ctx.config)),
  };
}
