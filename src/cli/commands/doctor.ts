import { runDoctor } from '../../doctor.js';
import type { Command } from '../command.js';

export const doctor: Command = {
  path: ['doctor'],
  summary: 'Check Redis, IMAP login and SMTP, and say exactly what is wrong',
  async run(_args, io) {
    const checks = await runDoctor(io.config());
    const ok = checks.every((c) => c.ok);
    const human = checks
      .map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(5)} ${c.target}: ${c.detail}`)
      .join('\n');
    return { json: { ok, checks }, human, exitCode: ok ? 0 : 1 };
  },
};
