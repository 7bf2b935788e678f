import { spawnSync } from 'node:child_process';

const PACKAGES: Record<string, string> = {
  'redis-server': 'redis-server',
  dovecot: 'dovecot-imapd',
  doveadm: 'dovecot-imapd',
};

/** Fails with the exact apt command when a server binary the dev stack needs is missing. */
export function requireBinaries(names: string[]): void {
  const missing = names.filter(
    (n) => spawnSync('sh', ['-c', `command -v ${n} || test -x /usr/sbin/${n}`]).status !== 0,
  );
  if (missing.length) {
    const pkgs = [...new Set(missing.map((m) => PACKAGES[m] ?? m))].join(' ');
    throw new Error(`missing ${missing.join(', ')}: install with\n  sudo apt-get install -y ${pkgs}`);
  }
}
