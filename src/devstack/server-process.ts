import { type ChildProcess, spawn } from 'node:child_process';
import { waitForPort } from './ports.js';

/** A private server process on a loopback port: what PrivateRedis and PrivateDovecot share. */
export abstract class ServerProcess {
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

  abstract start(): Promise<void>;

  /** Starts `command` and resolves once it listens on `port`. */
  protected async launch(command: string, args: string[]): Promise<void> {
    this.child = spawn(command, args, { stdio: 'ignore', detached: this.ownGroup });
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
