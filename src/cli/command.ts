import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../config/schema.js';
import { MadoguchiError } from '../errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandIO {
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Loads and validates the config once; throws CONFIG_INVALID listing every problem. */
  config: () => Readonly<Config>;
}

export interface Command {
  /** Words that select the command, e.g. ['config', 'check']. */
  path: string[];
  summary: string;
  usage?: string;
  options?: OptionSpec;
  /** Returns the JSON value printed with --json; `human` is printed otherwise. */
  run(
    args: { values: Record<string, unknown>; positionals: string[] },
    io: CommandIO,
  ): Promise<CommandResult>;
}

export interface CommandResult {
  json: unknown;
  human: string;
  exitCode?: number;
}

/** The first positional argument, or a USAGE error saying what `cmd` needs. */
export function firstPositional(positionals: string[], cmd: string, what: string): string {
  const v = positionals[0];
  if (!v) throw new MadoguchiError('USAGE', `${cmd} needs ${what}`);
  return v;
}

/** `--actor NAME`: who did it, for the audit trail (P4); `cli` when not given. */
export const ACTOR_OPTION = { actor: { type: 'string', default: 'cli' } } as const satisfies OptionSpec;
