import { TurnBatcher, type Waiting } from '../../../../src/store/postgres/turn-batcher';

describe('TurnBatcher', () => {
  it('when calls arrive in one turn, then they run as batches of at most maxWeight', async () => {
    const batches: number[][] = [];
    const batcher = new TurnBatcher<number, number>({
      maxWeight: 5,
      weightOf: (n) => n,
      run: async (batch: Waiting<number, number>[]) => {
        batches.push(batch.map((w) => w.input));
        batch.forEach((w) => w.resolve(w.input * 10));
      },
    });
    const results = await Promise.all([2, 3, 1, 9, 1].map((n) => batcher.submit(n)));
    expect(results).toEqual([20, 30, 10, 90, 10]);
    // 9 is over the limit alone, so it goes alone.
    expect(batches).toEqual([[2, 3], [1], [9], [1]]);
  });

  it('when a batch run throws, then every caller in it is rejected', async () => {
    const batcher = new TurnBatcher<string, string>({
      maxWeight: 10,
      run: async () => {
        throw new Error('lost the connection');
      },
    });
    const results = await Promise.allSettled(['a', 'b'].map((s) => batcher.submit(s)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('TurnBatcher with maxInFlight', () => {
  it('when a batch is running at the limit, then later calls wait and go together once it ends', async () => {
    const batches: string[][] = [];
    let finishFirst: () => void = () => undefined;
    const firstMayEnd = new Promise<void>((resolve) => (finishFirst = resolve));
    const batcher = new TurnBatcher<string, string>({
      maxWeight: 100,
      maxInFlight: 1,
      run: async (batch) => {
        batches.push(batch.map((w) => w.input));
        if (batches.length === 1) await firstMayEnd;
        batch.forEach((w) => w.resolve(w.input));
      },
    });
    const first = batcher.submit('a');
    await new Promise((resolve) => setImmediate(resolve));
    const later = ['b', 'c'].map((s) => batcher.submit(s));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['a']]);
    finishFirst();
    expect(await Promise.all([first, ...later])).toEqual(['a', 'b', 'c']);
    expect(batches).toEqual([['a'], ['b', 'c']]);
  });

  it('when the running batch fails, then the calls waiting for it still run', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batches: string[][] = [];
    const batcher = new TurnBatcher<string, string>({
      maxWeight: 100,
      maxInFlight: 1,
      run: async (batch) => {
        batches.push(batch.map((w) => w.input));
        if (batches.length === 1) {
          await gate;
          throw new Error('refused');
        }
        batch.forEach((w) => w.resolve(w.input));
      },
    });
    const first = batcher.submit('a').catch((error: Error) => error.message);
    await new Promise((resolve) => setImmediate(resolve));
    const second = batcher.submit('b');
    release();
    expect(await first).toBe('refused');
    expect(await second).toBe('b');
    expect(batches).toEqual([['a'], ['b']]);
  });
});
