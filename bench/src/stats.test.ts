import { formatBytes, formatMs, median, ratio, verdict } from './stats';

describe('benchmark statistics', () => {
  it('takes the median of odd and even counts, unaffected by one outlier', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 11, 12, 500])).toBe(11.5);
    expect(() => median([])).toThrow('median of no values');
  });

  it('reports ours/peer ratios and whether a target is met', () => {
    expect(ratio(80, 100)).toBe(0.8);
    expect(verdict(0.8, 0.8)).toBe('met (≤ 0.8)');
    expect(verdict(1.2, 1)).toBe('**missed** (target ≤ 1)');
    expect(verdict(1.2, undefined)).toBe('');
  });

  it('formats times and sizes for the table', () => {
    expect([formatMs(12.4), formatMs(1234), formatMs(65_000)]).toEqual([
      '12 ms',
      '1.23 s',
      '65.0 s',
    ]);
    expect([formatBytes(512), formatBytes(2048), formatBytes(3 * 1024 * 1024)]).toEqual([
      '512 B',
      '2.0 KB',
      '3.00 MB',
    ]);
  });
});
