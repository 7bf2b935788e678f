import { spawn } from 'node:child_process';
import { ImapFlow } from 'imapflow';
import { DateTime } from 'luxon';
import { loadConfig } from '../src/config/load.js';
import { slotsOn } from '../src/domain/calendar.js';

function cli(bin: string, env: NodeJS.ProcessEnv, args: string[], input?: string): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end(input ?? '');
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', () => resolve(out.trim()));
  });
}

/** The console's sample sign-in (the demo only; real passwords are set with staff set-password). */
export const DEMO_LOGIN = { email: 'staff1@madoguchi.localhost', password: 'madoguchi-demo-2026' };

/** Sample data entered through the CLI as staff would: two staff members and one booking. */
export async function seedDemo(bin: string, env: NodeJS.ProcessEnv): Promise<void> {
  const rules = loadConfig({ env }).booking;
  // The first open slot two or more days ahead (B4), in Japan time.
  let day = DateTime.now().setZone('Asia/Tokyo').plus({ days: 2 });
  while (slotsOn(day, rules).length === 0) day = day.plus({ days: 1 });
  const at = slotsOn(day, rules)[0]!.toFormat("yyyy-MM-dd'T'HH:mm");
  const steps: string[][] = [
    [
      'staff',
      'add',
      '--name',
      '佐藤 花子',
      '--email',
      'staff1@madoguchi.localhost',
      '--zoom-id',
      '123 4567 8901',
      '--zoom-passcode',
      'otaru1',
      '--role',
      'admin',
    ],
    [
      'staff',
      'add',
      '--name',
      '鈴木 一郎',
      '--email',
      'staff2@madoguchi.localhost',
      '--zoom-id',
      '987 6543 2101',
      '--zoom-passcode',
      'otaru2',
    ],
    [
      'book',
      '--seeker-number',
      '01020-12345678',
      '--name',
      '山田 太郎',
      '--birthdate',
      '1990-04-01',
      '--email',
      'seeker1@madoguchi.localhost',
      '--phone',
      '090-1234-5678',
      '--at',
      at,
      '--topic',
      '履歴書の添削',
    ],
    ['bookings', '--date', at.slice(0, 10)],
  ];
  for (const args of steps)
    process.stdout.write(`demo: madoguchi ${args.slice(0, 2).join(' ')} -> ${await cli(bin, env, args)}\n`);
  const pw = `${DEMO_LOGIN.password}\n${DEMO_LOGIN.password}\n`;
  const set = await cli(bin, env, ['staff', 'set-password', DEMO_LOGIN.email], pw);
  process.stdout.write(`demo: madoguchi staff set-password -> ${set}\n`);
}

/**
 * Mail as seekers send it, delivered into the consultation mailbox (as the office MX would, with
 * its Authentication-Results): a cancellation from the booked seeker (C1: cancelled, CANCEL
 * invitations and a reply) and an out-of-scope request (B12: the referral reply).
 */
export async function demoInbound(imapUrl: string, authservId: string): Promise<void> {
  const u = new URL(imapUrl);
  const c = new ImapFlow({
    host: u.hostname,
    port: Number(u.port),
    secure: false,
    auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
    logger: false,
  });
  c.on('error', () => undefined);
  await c.connect();
  const mail = (from: string, subject: string, text: string) =>
    [
      `Authentication-Results: ${authservId}; dmarc=pass header.from=${from.split('@')[1]}`,
      `From: ${from}`,
      'To: consult@madoguchi.localhost',
      `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
      `Message-ID: <demo-${Date.now()}-${Math.random().toString(36).slice(2)}@${from.split('@')[1]}>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(text).toString('base64'),
      '',
    ].join('\r\n');
  await c.append(
    'INBOX',
    mail('seeker1@madoguchi.localhost', '予約のキャンセル', '都合が悪くなったため、予約をキャンセルします。'),
  );
  await c.append(
    'INBOX',
    mail(
      'seeker2@madoguchi.localhost',
      '相談の申込み',
      '来春卒業見込みの新卒者です。オンラインで相談できますか。',
    ),
  );
  await c.logout();
  process.stdout.write(
    'demo: two seeker mails delivered to the consultation mailbox (a cancellation, an out-of-scope request)\n',
  );
}
