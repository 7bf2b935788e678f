import type { FastifyInstance } from 'fastify';
import { maskSeekerNumber } from '../../domain/seeker-number.js';
import { formatJaRange, jst } from '../../domain/time.js';
import { triageForSeeker } from '../../triage/queue.js';
import { auditConsole, render, sendError, type WebDeps } from '../server.js';
import { errorText, messagesFor } from '../views.js';
import { namesFor } from './calendar.js';

/**
 * A seeker's page (P5: staff only, and every view is audited with who looked): bookings past and
 * future, no-shows (C4), the use cap (B11), documents received, mails from them and what was decided. Ids in the URL, never personal data.
 */
export async function seekerRoutes(app: FastifyInstance, web: WebDeps) {
  const t = messagesFor();
  app.get<{ Params: { id: string } }>('/seekers/:id', async (req, reply) => {
    const seeker = await web.svc.store.getSeeker(req.params.id);
    if (!seeker) return sendError(reply, req, 404, errorText('NOT_FOUND'));
    await auditConsole(web, req, 'P5', 'seeker-view', { seeker: seeker.id });
    const bookings = (await web.svc.store.getBookings(await web.svc.store.seekerBookingIds(seeker.id))).sort(
      (a, b) => b.start.localeCompare(a.start),
    );
    const names = await namesFor(web, bookings);
    const cap = web.svc.config.booking.useCap;
    const from = web.svc.clock
      .now()
      .minus({ days: cap?.perDays ?? 0 })
      .toMillis();
    const used = bookings.filter((b) => b.status !== 'cancelled' && jst(b.start).toMillis() > from).length;
    const documents = (await Promise.all(bookings.map((b) => web.docs.forStaff(b.staffId))))
      .flat()
      .filter((d, i, all) => d.seekerId === seeker.id && all.findIndex((x) => x.id === d.id) === i);
    return render(req, reply, 'seeker', {
      title: t.seeker!.title!,
      seeker,
      number: maskSeekerNumber(seeker.seekerNumber),
      noShows: await web.svc.store.noShows(seeker.id),
      useCap: cap ? `${used} / ${cap.max}（${cap.perDays}日）` : '',
      bookings: bookings.map((b) => ({
        id: b.id,
        status: b.status,
        staff: names.staff(b.staffId),
        when: formatJaRange(jst(b.start), jst(b.end)),
      })),
      documents,
      linked: (await triageForSeeker(web, seeker.id)).map((x) => ({
        id: x.id,
        state: x.state,
        reason: x.reason,
      })),
      mails: (await web.store.seekerMails(seeker.id)).map((m) => ({
        ...m,
        at: jst(m.at).toFormat('yyyy-MM-dd HH:mm'),
      })),
    });
  });
}
