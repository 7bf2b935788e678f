import { MadoguchiError } from '../../errors.js';
import { backup, restore } from '../../storage/backup.js';
import { rotateKey } from '../../storage/rotate.js';
import { type Command, firstPositional } from '../command.js';
import { withInbound } from './with-services.js';

export const backupCmd: Command = {
  path: ['backup'],
  summary:
    'A consistent copy of Redis (our keys, one snapshot) and the encrypted data dir, with a manifest of hashes; no secrets',
  usage: 'madoguchi backup --out DIR',
  options: { out: { type: 'string' } },
  run: ({ values }, io) =>
    withInbound(io, async (deps) => {
      if (typeof values.out !== 'string')
        throw new MadoguchiError('USAGE', 'backup needs --out DIR (an empty directory)');
      const m = await backup(deps.svc.ctx.config, deps.svc.ctx.redis, values.out);
      const files = Object.keys(m.files).length - 1;
      return {
        json: { out: values.out, redisKeys: m.redisKeys, files },
        human: `backed up ${m.redisKeys} Redis keys and ${files} stored files to ${values.out} (the storage key is not in it: keep it apart)`,
      };
    }),
};

export const restoreCmd: Command = {
  path: ['restore'],
  summary: 'Restore a backup onto an empty Redis and an empty data dir, after checking every hash',
  usage: 'madoguchi restore DIR',
  run: ({ positionals }, io) =>
    withInbound(io, async (deps) => {
      const dir = firstPositional(positionals, 'restore', 'a backup directory');
      const m = await restore(deps.svc.ctx.config, deps.svc.ctx.redis, dir);
      const files = Object.keys(m.files).length - 1;
      return {
        json: { from: dir, redisKeys: m.redisKeys, files, createdAt: m.createdAt },
        human: `restored ${m.redisKeys} Redis keys and ${files} stored files from the backup of ${m.createdAt}`,
      };
    }),
};

export const rotateKeyCmd: Command = {
  path: ['storage', 'rotate-key'],
  summary: 'Re-encrypt every stored file under storage.key (reading with storage.previousKeys); resumable',
  usage: 'madoguchi storage rotate-key',
  run: (_a, io) =>
    withInbound(io, async (deps) => {
      const r = await rotateKey(deps.svc.ctx.config, (done, total) => io.err(`rotated ${done}/${total}`));
      return {
        json: r,
        human: `${r.rewritten} of ${r.files} files re-encrypted; every file now opens with storage.key: storage.previousKeys can be emptied`,
      };
    }),
};
