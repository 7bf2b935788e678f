// Starts a TypeScript thread module when madoguchi runs from source (vitest, tsx): Node 20 cannot
// load .ts in a worker thread, and `--import tsx` in a worker's execArgv is not honoured. The build
// runs the compiled .js directly and never loads this file (tsx is a development dependency).
import { workerData } from 'node:worker_threads';

const { tsImport } = await import('tsx/esm/api');
const { file, workerData: data } = workerData;
globalThis.__threadData = data; // read by threadData() in thread-pool.ts
await tsImport(file, import.meta.url);
