import type { BookingServices } from '../../bookings/deps.js';
import { type InboundDeps, inboundDeps } from '../../inbound/deps.js';
import { createLogger } from '../../log.js';
import { createContext } from '../../runtime/context.js';
import type { CommandIO } from '../command.js';

/** Runs `fn` with the inbound services (stores + booking services) on a fail-fast Redis connection. */
export async function withInbound<T>(io: CommandIO, fn: (deps: InboundDeps) => Promise<T>): Promise<T> {
  const ctx = createContext(io.config(), { mode: 'command', log: createLogger('error') });
  const deps = inboundDeps(ctx);
  try {
    return await fn(deps);
  } finally {
    await deps.svc.close();
    await ctx.close();
  }
}

/** Runs `fn` with the booking services, then closes everything. */
export function withServices<T>(io: CommandIO, fn: (svc: BookingServices) => Promise<T>): Promise<T> {
  return withInbound(io, (deps) => fn(deps.svc));
}
