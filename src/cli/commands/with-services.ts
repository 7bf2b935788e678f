import { type BookingServices, bookingServices } from '../../bookings/deps.js';
import { createLogger } from '../../log.js';
import { createContext } from '../../runtime/context.js';
import type { CommandIO } from '../command.js';

/** Runs `fn` with the booking services on a fail-fast Redis connection, then closes everything. */
export async function withServices<T>(io: CommandIO, fn: (svc: BookingServices) => Promise<T>): Promise<T> {
  const config = io.config();
  const ctx = createContext(config, { mode: 'command', log: createLogger('error') });
  const svc = bookingServices(ctx);
  try {
    return await fn(svc);
  } finally {
    await svc.close();
    await ctx.close();
  }
}
