#!/usr/bin/env node
// The `madoguchi` command: the built code when present (npm run build), else the TypeScript source.
import { existsSync } from 'node:fs';

// A closed pipe (madoguchi ... | head) is not an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const built = new URL('../dist/src/cli/main.js', import.meta.url);
const { main } = existsSync(built)
  ? await import(built.href)
  : await (async () => {
      const { register } = await import('tsx/esm/api');
      register();
      return import('../src/cli/main.ts');
    })();
const code = await main(process.argv.slice(2), {
  env: process.env,
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
});
process.exitCode = code;
