// The body of the analyser thread (see analyser.ts): loads the dictionary, says so, then answers
// each sentence on its port and wakes the caller waiting on `answered`.
import { type MessagePort, parentPort } from 'node:worker_threads';
import { threadData } from '../runtime/thread-pool.js';
import { tokenize } from './tokenizer.js';

export interface AnalyserThreadData {
  port: MessagePort;
  answered: Int32Array;
}

const { port, answered } = threadData<AnalyserThreadData>();
tokenize('予約'); // the dictionary, loaded before anything is asked
parentPort?.postMessage({ loaded: true });

port.on('message', ({ seq, text }: { seq: number; text: string }) => {
  try {
    port.postMessage({ tokens: tokenize(text) });
  } catch (err) {
    port.postMessage({ error: String(err).slice(0, 200) });
  }
  Atomics.store(answered, 0, seq);
  Atomics.notify(answered, 0);
});
