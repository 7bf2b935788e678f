import { afterAll, describe, expect, it } from 'vitest';
import { ThreadFailed, ThreadPool } from '../../src/runtime/thread-pool.js';

type Echo = { ok: true; text: string; bytes: Uint8Array };
const pool = new ThreadPool<Echo>({
  file: new URL('../fixtures/threads/misbehave.ts', import.meta.url),
  size: 2,
  maxHeapMb: 64,
  workerData: { greeting: 'こんにちは' },
});
afterAll(() => pool.close());

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ThreadFailed,
  );

describe('thread pool: work that can run away is stopped, and the next task still runs', () => {
  it('answers tasks, with the data the threads were started with', async () => {
    const r = await pool.run({ act: 'echo', text: '窓口' }, 10_000);
    expect(r).toMatchObject({ ok: true, text: 'こんにちは 窓口' });
    expect([...r.bytes]).toEqual([1, 2, 3]);
  });

  it('kills a synchronous runaway at its time limit; a fresh thread takes the next task', async () => {
    const spin = failure(pool.run({ act: 'spin' }, 300));
    // The other thread is not held up by the runaway one.
    expect((await pool.run({ act: 'echo', text: 'a' }, 10_000)).text).toBe('こんにちは a');
    const err = await spin;
    expect(err).toBeInstanceOf(ThreadFailed);
    expect(err?.kind).toBe('timeout');
    expect((await pool.run({ act: 'echo', text: 'b' }, 10_000)).text).toBe('こんにちは b');
  });

  it('a thread over its heap limit dies of it, reported as memory', async () => {
    const err = await failure(pool.run({ act: 'hoard' }, 60_000));
    expect(err?.kind).toBe('memory');
    expect((await pool.run({ act: 'echo', text: 'c' }, 10_000)).text).toBe('こんにちは c');
  });

  it('a thread that exits mid-task is reported as crashed and replaced', async () => {
    const err = await failure(pool.run({ act: 'exit' }, 10_000));
    expect(err?.kind).toBe('crashed');
    expect((await pool.run({ act: 'echo', text: 'd' }, 10_000)).text).toBe('こんにちは d');
  });

  it('the time limit counts from the start of a task, not from when it was queued', async () => {
    // Two runaways hold both threads for 3 s; the echo queued behind them has a 2.5 s limit, which
    // it would miss if the wait counted. (A fresh thread's start does not count either: the task is
    // sent only once the thread reports ready.)
    const spins = [failure(pool.run({ act: 'spin' }, 3000)), failure(pool.run({ act: 'spin' }, 3000))];
    const echo = await pool.run({ act: 'echo', text: 'e' }, 2500);
    expect(echo.text).toBe('こんにちは e');
    expect((await Promise.all(spins)).map((e) => e?.kind)).toEqual(['timeout', 'timeout']);
  });

  it('a thread that asks to be retired after a task is ended; its answer still arrives', async () => {
    const one = new ThreadPool<Echo>({
      file: new URL('../fixtures/threads/misbehave.ts', import.meta.url),
      size: 1,
      maxHeapMb: 64,
      workerData: { greeting: 'はい' },
    });
    try {
      one.warm();
      const r = await one.run({ act: 'retire', text: 'a' }, 10_000);
      expect(r).toEqual({ ok: true, text: 'はい a', bytes: new Uint8Array([1, 2, 3]) });
      expect(one.threads).toBe(0);
      expect((await one.run({ act: 'echo', text: 'b' }, 10_000)).text).toBe('はい b');
      expect(one.threads).toBe(1);
    } finally {
      await one.close();
    }
  });

  it('a thread that cannot start fails the waiting task instead of leaving it queued forever', async () => {
    const broken = new ThreadPool<Echo>({
      file: new URL('../fixtures/threads/broken.ts', import.meta.url),
      size: 1,
      maxHeapMb: 64,
    });
    try {
      const err = await failure(broken.run({ act: 'echo' }, 10_000));
      expect(err?.kind).toBe('crashed');
      expect(err?.message).toMatch(/did not start/);
    } finally {
      await broken.close();
    }
  });

  it('a thread idle for idleMs is ended (its heap returned); the next task starts a fresh one', async () => {
    const idle = new ThreadPool<Echo>({
      file: new URL('../fixtures/threads/misbehave.ts', import.meta.url),
      size: 2,
      maxHeapMb: 64,
      workerData: { greeting: 'やあ' },
      idleMs: 200,
    });
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
      return ok();
    };
    try {
      const both = await Promise.all([
        idle.run({ act: 'echo', text: 'a' }, 10_000),
        idle.run({ act: 'echo', text: 'b' }, 10_000),
      ]);
      expect(both.map((r) => r.text)).toEqual(['やあ a', 'やあ b']);
      expect(idle.threads).toBe(2);
      expect(await until(() => idle.threads === 0)).toBe(true);
      expect((await idle.run({ act: 'echo', text: 'c' }, 10_000)).text).toBe('やあ c');
      // A pool without idleMs (the parse threads, used by every mail) keeps its threads.
      expect(pool.threads).toBeGreaterThan(0);
    } finally {
      await idle.close();
    }
  });
});
