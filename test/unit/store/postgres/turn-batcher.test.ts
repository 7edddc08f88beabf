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
