import { startPullScheduler } from '../../../../src/sync/pull/scheduler';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the pull scheduler', () => {
  it('when passes take longer than the interval, then they never overlap, and each waits the interval after the last', async () => {
    let running = 0;
    let most = 0;
    let passes = 0;
    const scheduler = startPullScheduler(5, async () => {
      running++;
      most = Math.max(most, running);
      await wait(20);
      running--;
      passes++;
    }, () => undefined);
    await wait(120);
    await scheduler.stop();
    expect(passes).toBeGreaterThanOrEqual(2);
    expect(most).toBe(1);
  });

  it('when stopped during a pass, then the pass is told to stop and stop() resolves once it has ended', async () => {
    let ended = false;
    const scheduler = startPullScheduler(1, async (signal) => {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      await wait(10);
      ended = true;
    }, () => undefined);
    await wait(20);
    await scheduler.stop();
    expect(ended).toBe(true);
  });

  it('when a pass fails, then the error is reported and the next pass still comes', async () => {
    const errors: unknown[] = [];
    let passes = 0;
    const scheduler = startPullScheduler(2, async () => {
      passes++;
      throw new Error('store down');
    }, (error) => errors.push(error));
    await wait(40);
    await scheduler.stop();
    expect(passes).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toEqual(new Error('store down'));
  });
});
