import { BatchQueue } from '../../../../src/auth/audit/audit-queue';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

function drain(queue: BatchQueue<number>): number[][] {
  const batches: number[][] = [];
  for (let batch = queue.take(); batch; batch = queue.take()) batches.push(batch);
  return batches;
}

describe('BatchQueue', () => {
  it('when items are pushed, then they come out oldest first in batches of at most batchSize', () => {
    const queue = new BatchQueue<number>(3, 100);
    range(0, 7).forEach((i) => queue.push(i));

    expect(queue.hasFullBatch).toBe(true);
    expect(drain(queue)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(queue.size).toBe(0);
  });

  it('when a batch is put back, then it comes out first again, before items pushed since', () => {
    const queue = new BatchQueue<number>(3, 100);
    range(0, 5).forEach((i) => queue.push(i));
    const batch = queue.take() ?? [];
    queue.push(5);
    queue.putBack(batch);

    expect(queue.size).toBe(6);
    expect(drain(queue).flat()).toEqual(range(0, 6));
  });

  it('when pushes exceed the capacity, then the oldest are dropped and counted, and the newest kept', () => {
    const queue = new BatchQueue<number>(4, 10);
    const dropped = range(0, 15).reduce((sum, i) => sum + queue.push(i), 0);

    expect(dropped).toBe(5);
    expect(queue.size).toBe(10);
    expect(drain(queue).flat()).toEqual(range(5, 15));
  });

  it('when a put-back batch no longer fits, then its oldest items are the ones dropped', () => {
    const queue = new BatchQueue<number>(4, 6);
    range(0, 4).forEach((i) => queue.push(i));
    const batch = queue.take() ?? [];
    range(4, 8).forEach((i) => queue.push(i));

    expect(queue.putBack(batch)).toBe(2);
    expect(drain(queue).flat()).toEqual(range(2, 8));
  });
});
