import { processEnv } from '../config/env.js';
import { loadConfig } from '../config/load.js';
import { MadoguchiError } from '../errors.js';
import { createContext } from './context.js';
import { runProcesses } from './lifecycle.js';

/** Entry of a workers/<name>.ts file: one process of the service, alone, until SIGTERM. */
export async function runStandalone(name: string): Promise<void> {
  try {
    const ctx = createContext(loadConfig({ env: processEnv() }));
    const { stopped } = await runProcesses(ctx, [name]);
    await stopped;
  } catch (err) {
    process.stderr.write(
      `${err instanceof MadoguchiError ? `error ${err.code}: ` : ''}${(err as Error).message}\n`,
    );
    process.exitCode = err instanceof MadoguchiError && err.code === 'CONFIG_INVALID' ? 78 : 1;
  }
}
