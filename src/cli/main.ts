import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { terminalSafe } from '../domain/text.js';
import { MadoguchiError } from '../errors.js';
import type { Command, CommandIO } from './command.js';
import { COMMANDS } from './registry.js';

const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;
const EXIT_CONFIG = 78; // sysexits EX_CONFIG

function helpText(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return [
    'madoguchi — mail and calendar service for online job consultations',
    '',
    'Usage: madoguchi <command> [options] [--json]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --json and --help. Configuration: config/default.yaml, MADOGUCHI_CONFIG,',
    'then REDIS_URL, IMAP_URL, SMTP_URL, MADOGUCHI_DATA_DIR (see README).',
  ].join('\n');
}

function findCommand(argv: string[]): { cmd: Command; rest: string[] } | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const matches = COMMANDS.filter((c) => c.path.every((p, i) => words[i] === p));
  const cmd = matches.sort((a, b) => b.path.length - a.path.length)[0];
  if (!cmd) return undefined;
  const rest = [...argv];
  for (const p of cmd.path) rest.splice(rest.indexOf(p), 1);
  return { cmd, rest };
}

export async function main(argv: string[], raw: Omit<CommandIO, 'config'>): Promise<number> {
  // Subjects, names and file names come from mail: nothing of theirs may drive the terminal.
  const io = {
    ...raw,
    out: (l: string) => raw.out(terminalSafe(l)),
    err: (l: string) => raw.err(terminalSafe(l)),
  };
  const json = argv.includes('--json');
  const found = findCommand(argv);
  if (!found) {
    const wantsHelp = argv.length === 0 || argv.includes('--help') || argv.includes('-h');
    (wantsHelp ? io.out : io.err)(helpText(COMMANDS));
    return wantsHelp ? 0 : EXIT_USAGE;
  }
  const { cmd, rest } = found;
  let config: Readonly<Config> | undefined;
  const fullIO: CommandIO = { ...io, config: () => (config ??= loadConfig({ env: io.env })) };
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...cmd.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      io.out(`${cmd.usage ?? `madoguchi ${cmd.path.join(' ')}`}\n\n${cmd.summary}`);
      return 0;
    }
    const result = await cmd.run({ values: parsed.values, positionals: parsed.positionals }, fullIO);
    if (json) io.out(JSON.stringify(result.json, null, 2));
    else if (result.human) io.out(result.human);
    return result.exitCode ?? 0;
  } catch (err) {
    const e =
      err instanceof MadoguchiError
        ? err
        : (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
          ? new MadoguchiError('USAGE', `${(err as Error).message}\n${cmd.usage ?? ''}`)
          : undefined;
    if (!e) throw err;
    if (json)
      io.out(JSON.stringify({ error: { code: e.code, message: e.message, details: e.details } }, null, 2));
    else io.err(`error ${e.code}: ${e.message}`);
    return e.code === 'CONFIG_INVALID' ? EXIT_CONFIG : e.code === 'USAGE' ? EXIT_USAGE : EXIT_REFUSED;
  }
}

// Run when executed directly (`tsx src/cli/main.ts`); bin/madoguchi.js imports and calls main().
if (/cli[\\/]main\.(ts|js)$/.test(process.argv[1] ?? '')) {
  main(process.argv.slice(2), {
    env: processEnv(),
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`unexpected failure: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
