import { type BookingServices, bookingServices } from '../bookings/deps.js';
import type { Clock } from '../bookings/service.js';
import type { Config } from '../config/schema.js';
import { DocumentStore } from '../documents/store.js';
import type { Context } from '../runtime/context.js';
import { type BlobStore, stores } from '../storage/encrypted-store.js';
import { type ParsedMail, parseLimits, parseMail } from './parse.js';
import { InboundStore } from './store.js';

/** Where inbound state lives: Redis records, the encrypted spool and document files, document records. */
export interface InboundStores {
  store: InboundStore;
  spool: BlobStore;
  documents: BlobStore;
  docs: DocumentStore;
}

/** What deciding and acting on mail needs: the stores and the booking services (which own queues). */
export interface InboundDeps extends InboundStores {
  svc: BookingServices;
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

export function inboundDeps(ctx: Context, clock?: Clock): InboundDeps {
  return { ...inboundStores(ctx), svc: bookingServices(ctx, clock) };
}

/**
 * A spooled mail, parsed with the configured limits. Large parts go straight to the document
 * store (`spill`), except where nothing may be written (a staff member only looking at it).
 */
export async function parseSpooled(
  stores: InboundStores,
  config: Pick<Config, 'inbound'>,
  hash: string,
  spill = true,
): Promise<ParsedMail> {
  return parseMail(
    await stores.spool.get(hash),
    parseLimits(config),
    hash,
    spill ? stores.documents : undefined,
  );
}
