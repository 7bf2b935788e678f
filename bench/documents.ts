import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { PDFParse } from 'pdf-parse';
import { bookingServices } from '../src/bookings/deps.js';
import { book } from '../src/bookings/service.js';
import { addStaff } from '../src/bookings/staff.js';
import { DEV_PASSWORD } from '../src/devstack/dovecot.js';
import { slotsOn } from '../src/domain/calendar.js';
import { ZONE } from '../src/domain/time.js';
import { PROCESSES } from '../src/runtime/processes.js';
import { japanesePdf } from '../test/helpers/pdf.js';
import { spawnWorker } from '../test/helpers/processes.js';
import type { Bench } from './registry.js';
import { sha, startStack, TRUSTED, waitDone } from './stack.js';

const N = 12;
const b64 = (b: Buffer) => b.toString('base64').replace(/(.{76})/g, '$1\r\n');

function documentMail(i: number, pdf: Buffer): Buffer {
  return Buffer.from(
    [
      `Authentication-Results: ${TRUSTED}; dmarc=pass header.from=example.jp`,
      'From: docs-bench@example.jp',
      'To: consult@madoguchi.localhost',
      `Subject: =?UTF-8?B?${Buffer.from('書類の送付').toString('base64')}?=`,
      `Message-ID: <doc-bench-${i}-${randomBytes(6).toString('hex')}@example.jp>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'rirekisho',
      '--B',
      `Content-Type: application/pdf; name="rirekisho-${i}.pdf"`,
      `Content-Disposition: attachment; filename="rirekisho-${i}.pdf"`,
      'Content-Transfer-Encoding: base64',
      '',
      b64(pdf),
      '--B--',
      '',
    ].join('\r\n'),
  );
}

// pdf-parse as the PDF thread runs it (src/documents/pdf-worker.mjs): the same options, the text
// of up to 50 pages; here on the main thread, one PDF after another.
const pdfjs = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
async function pdfPages(data: Buffer): Promise<number> {
  const parser = new PDFParse({
    data: new Uint8Array(data),
    cMapUrl: `${path.join(pdfjs, 'cmaps')}/`,
    cMapPacked: true,
    standardFontDataUrl: `${path.join(pdfjs, 'standard_fonts')}/`,
    verbosity: 0,
  });
  try {
    return (await parser.getText({ first: 50 })).total;
  } finally {
    await parser.destroy();
  }
}

// VmHWM: the process's peak resident set so far; VmRSS: now.
const rssMb = (pid: number, which: 'VmHWM' | 'VmRSS') => {
  const m = new RegExp(`${which}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};
const peakRssMb = (pid: number) => rssMb(pid, 'VmHWM');
// The PDF threads' idle time (src/documents/pdf-text.ts) and a little more.
const SETTLE_MS = 65_000;

/**
 * Documents: peak RSS of the inbound worker process handling one mail with a 25 MB attachment,
 * and document mails/s (check, PDF text, encrypt, store, forward) beside raw fetch + parse.
 */
export const documentsBench: Bench = {
  name: `documents: a 25 MB attachment (peak RSS of the worker); ${N} mails with a 200 KB PDF`,
  async run(env) {
    const tp = await startStack(env, 'bench-docs', ['outbox']);
    const svc = bookingServices(tp.ctx, { now: () => DateTime.now().setZone(ZONE).minus({ days: 7 }) });
    await addStaff(svc.store, {
      name: '職員',
      email: 'staff-bench@madoguchi.localhost',
      zoomId: '12345678901',
      zoomPasscode: 'p',
    });
    let day = DateTime.now().setZone(ZONE).plus({ days: 14 });
    while (!slotsOn(day, tp.ctx.config.booking).length) day = day.plus({ days: 1 });
    await book(svc, {
      seekerNumber: '01020-33334444',
      name: '山田 太郎',
      birthdate: '1990-01-01',
      email: 'docs-bench@example.jp',
      phone: '090-0000-0000',
      at: slotsOn(day, tp.ctx.config.booking)[0]!.toFormat("yyyy-MM-dd'T'HH:mm"),
      topic: '書類',
      actor: 'bench',
    });
    await svc.close();

    const worker = await spawnWorker('inbound', tp.env);
    tp.handles.push(await PROCESSES.watcher!(tp.ctx));
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: env.dovecot.port,
      secure: false,
      auth: { user: 'bench-docs', pass: DEV_PASSWORD },
      logger: false,
    });
    c.on('error', () => undefined);
    await c.connect();

    const idle = peakRssMb(worker.pid!);
    const big = documentMail(0, Buffer.concat([japanesePdf('履歴書'), randomBytes(25 * 1024 * 1024 - 2048)]));
    await c.append('INBOX', big);
    await waitDone(tp.store, [sha(big)]);
    const peak = peakRssMb(worker.pid!);

    const small = japanesePdf('職務経歴書');
    const mails = Array.from({ length: N }, (_, i) =>
      documentMail(i + 1, Buffer.concat([small, randomBytes(200 * 1024)])),
    );
    let t0 = performance.now();
    for (const m of mails) await c.append('INBOX', m);
    await waitDone(tp.store, mails.map(sha));
    const secs = (performance.now() - t0) / 1000;

    // Baseline: the same mails fetched and parsed, nothing else. The done marker comes before the
    // MOVE: wait until Processed holds them all (the 25 MB one too), or the baseline parses fewer.
    for (let i = 0; i < 200; i++) {
      const st = await c.status('Processed', { messages: true });
      if (st && (st.messages ?? 0) >= N + 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const lock = await c.getMailboxLock('Processed');
    await pdfPages(small); // pdf.js loaded before the clock runs, as in madoguchi's warm PDF thread
    t0 = performance.now();
    let parsed = 0;
    let pages = 0;
    for await (const m of c.fetch('1:*', { source: true })) {
      if (m.source && m.source.length < 1024 * 1024) {
        const mail = await simpleParser(m.source);
        for (const a of mail.attachments) pages += await pdfPages(a.content);
        parsed++;
      }
    }
    const rawSecs = (performance.now() - t0) / 1000;
    lock.release();
    await c.logout();
    // Memory returns after a burst: the PDF threads, idle, are ended with the heaps they grew.
    const busy = rssMb(worker.pid!, 'VmRSS');
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const settled = rssMb(worker.pid!, 'VmRSS');
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await tp.stop();
    return [
      { label: 'inbound worker RSS before, MB', value: idle.toFixed(0) },
      { label: 'peak RSS handling a 25 MB attachment, MB', value: `${peak.toFixed(0)} (target < 300)` },
      // The analyser's dictionary (issue #9) is resident before any mail; this is the mail's own share.
      { label: 'peak RSS over the worker at rest, MB', value: (peak - idle).toFixed(0) },
      {
        label: `RSS after the mails, then ${SETTLE_MS / 1000} s idle, MB`,
        value: `${busy.toFixed(0)}, then ${settled.toFixed(0)}`,
      },
      {
        label: `baseline: raw fetch + parse + PDF text of ${parsed} mails (${pages} pages), mails/s`,
        value: (parsed / rawSecs).toFixed(1),
      },
      { label: 'madoguchi document mails (append → forwarded), mails/s', value: (N / secs).toFixed(1) },
      {
        label: 'madoguchi / baseline',
        value: `${((N / secs / (parsed / rawSecs)) * 100).toFixed(0)} % (target 50 %)`,
      },
    ];
  },
};
