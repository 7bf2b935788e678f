import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

// import.meta.url, not __dirname: the bench imports these helpers too, outside vitest.
const root = new URL('../../', import.meta.url).pathname;
const bin = path.join(root, 'bin/madoguchi.js');

/** `madoguchi run --only <names>` as a real child process, resolved once every process started. */
export async function spawnService(names: string[], env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'run', '--only', names.join(',')], {
    env: { ...process.env, ...env, MADOGUCHI_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await startedOnce(child, names.length);
  return child;
}

/**
 * Until the child has logged "process started" `count` times (it logs at info level). Its log is
 * kept only until then, for the error if it exits first: kept for its whole life, every line the
 * child logs was copied and searched in this process (the bench counts this process's CPU).
 * The pipe stays drained (a full one would block the child's log writes).
 */
function startedOnce(child: ChildProcess, count: number): Promise<void> {
  let started = 0;
  let log = '';
  return new Promise<void>((resolve, reject) => {
    const read = (d: Buffer) => {
      log += d;
      started += d.toString().split('"process started"').length - 1;
      if (started < count) return;
      child.stderr?.off('data', read); // still flowing: further output is read and dropped
      log = '';
      resolve();
    };
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`service exited (${code}) before start:\n${log}`)));
  });
}

/**
 * One process as deployed (`node dist/workers/<name>.js`, as docker-compose.yml runs it): loads
 * only that process's libraries, unlike the CLI. Resolved once it has started. With PROF_DIR set,
 * it writes a V8 CPU profile there when it exits (how the inbound bench was profiled); with MEM_DIR
 * set, a timeline of its memory (bench/mem-timeline.mjs; how the documents bench's peak was read).
 */
export async function spawnWorker(name: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROF_DIR}`] : []),
      ...(process.env.MEM_DIR ? [`--import=${path.join(root, 'bench/mem-timeline.mjs')}`] : []),
      path.join(root, 'dist/workers', `${name}.js`),
    ],
    {
      env: { ...process.env, ...env, MADOGUCHI_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  await startedOnce(child, 1);
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
