import { pageMark } from '../../../../src/sync/pull/watermark';

const t = (s: number) => `2024-05-01T12:00:${String(s).padStart(2, '0')}.000Z`;

describe('the mark a page allows', () => {
  it('when it is the last page, then its newest lastUpdated', () => {
    expect(pageMark([t(1), t(2), t(3)], false, undefined)).toEqual({ mark: t(3), newest: t(3), sorted: true });
  });

  it('when a next page follows, then the newest lastUpdated below the last result (ties may go on in the next page)', () => {
    expect(pageMark([t(1), t(2), t(3), t(3)], true, undefined)).toEqual({ mark: t(2), newest: t(3), sorted: true });
    expect(pageMark([t(3), t(3)], true, undefined)).toEqual({ mark: undefined, newest: t(3), sorted: true });
  });

  it('when results come back out of order, or behind the pages before, then no mark (the server ignored _sort)', () => {
    expect(pageMark([t(2), t(1)], false, undefined)).toEqual({ sorted: false });
    expect(pageMark([t(4)], false, t(5))).toEqual({ sorted: false });
    expect(pageMark([t(4), undefined], false, undefined)).toEqual({ sorted: false });
  });

  it('when the page is empty, then no mark', () => {
    expect(pageMark([], false, t(1))).toEqual({ sorted: true });
  });
});
