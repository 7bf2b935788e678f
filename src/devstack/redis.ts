import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { requireBinaries } from './binaries.js';
import { freePort, waitForPort } from './ports.js';

/**
 * A private redis-server on a free loopback port, its data in `dir`. AOF with appendfsync
 * everysec as in docker-compose.yml, so a restart keeps what production would keep.
 */
export class PrivateRedis {
  port = 0;
  /**
   * In a process group of its own: a terminal's Ctrl-C then reaches only the program that started
   * it, which stops the service first and this server after (the demo). Off for tests, whose
   * servers should go with the test run.
   */
  ownGroup = false;
  private child: ChildProcess | undefined;
  /** The server's (master) process, while it runs: the bench reads its CPU time. */
  get pid(): number | undefined {
    return this.child?.pid;
  }
  /** `extra`: more redis-server arguments, e.g. `--replicaof 127.0.0.1 <port>`. */
  constructor(
    private readonly dir: string,
    private readonly extra: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    requireBinaries(['redis-server']);
    mkdirSync(this.dir, { recursive: true });
    if (!this.port) this.port = await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '']
      .concat(['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'])
      .concat(['--logfile', path.join(this.dir, 'redis.log'), '--daemonize', 'no'], this.extra);
    this.child = spawn('redis-server', args, { stdio: 'ignore', detached: this.ownGroup });
    await waitForPort(this.port);
  }

  /** SIGKILL (crash) or SIGTERM (clean stop); resolves when the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
    this.child = undefined;
  }

  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.start();
  }
}
