import { spawn } from 'node:child_process';
import { DateTime } from 'luxon';
import { loadConfig } from '../src/config/load.js';
import { slotsOn } from '../src/domain/calendar.js';

function cli(bin: string, env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', () => resolve(out.trim()));
  });
}

/** Sample data entered through the CLI as staff would: two staff members and one booking. */
export async function seedDemo(bin: string, env: NodeJS.ProcessEnv): Promise<void> {
  const rules = loadConfig({ env: {} }).booking;
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
}
