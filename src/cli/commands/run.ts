import { createContext } from '../../runtime/context.js';
import { runProcesses } from '../../runtime/lifecycle.js';
import { PROCESSES } from '../../runtime/processes.js';
import type { Command } from '../command.js';

export const run: Command = {
  path: ['run'],
  summary: 'Run every process of the service in this Node process (or --only a,b)',
  usage: 'madoguchi run [--only outbox,...]',
  options: { only: { type: 'string' } },
  async run({ values }, io) {
    const names =
      typeof values.only === 'string' ? values.only.split(',').map((s) => s.trim()) : Object.keys(PROCESSES);
    const ctx = createContext(io.config());
    const { stopped } = await runProcesses(ctx, names);
    await stopped;
    return { json: { stopped: names }, human: '' };
  },
};
