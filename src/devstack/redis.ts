import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { requireBinaries } from './binaries.js';
import { freePort } from './ports.js';
import { ServerProcess } from './server-process.js';

/**
 * A private redis-server on a free loopback port, its data in `dir`. AOF with appendfsync
 * everysec as in docker-compose.yml, so a restart keeps what production would keep.
 */
export class PrivateRedis extends ServerProcess {
  /** `extra`: more redis-server arguments, e.g. `--replicaof 127.0.0.1 <port>`. */
  constructor(
    private readonly dir: string,
    private readonly extra: string[] = [],
  ) {
    super();
  }

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
    await this.launch('redis-server', args);
  }
}
