import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const bin = path.resolve(__dirname, '../../bin/madoguchi.js');

/** `madoguchi run --only <names>` as a real child process, resolved once every process started. */
export async function spawnService(names: string[], env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'run', '--only', names.join(',')], {
    env: { ...process.env, ...env, MADOGUCHI_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let started = 0;
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      log += d;
      started += d.toString().split('"process started"').length - 1;
      if (started >= names.length) resolve();
    });
    child.once('exit', (code) => reject(new Error(`service exited (${code}) before start:\n${log}`)));
  });
  return child;
}

/** SIGKILL: no handler runs, no lock is released, nothing is flushed. */
export function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** `madoguchi …` as a child process with its output piped. */
export function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Waits for a child's exit, with everything it printed. */
export function collect(child: ChildProcess): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}

/** One `madoguchi …` command to completion. */
export const runCli = (args: string[], env: Record<string, string>) => collect(spawnCli(args, env));
