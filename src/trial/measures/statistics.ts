import type { Statistics } from './measure-report';

/** n, mean, sample standard deviation (n - 1) and median of the values. */
export function describe(values: readonly number[]): Statistics {
  const n = values.length;
  if (n === 0) return { n };
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  if (n === 1) return { n, mean, median };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  return { n, mean, sd: Math.sqrt(variance), median };
}
