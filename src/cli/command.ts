import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../config/schema.js';

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
