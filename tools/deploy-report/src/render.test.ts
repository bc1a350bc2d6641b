import { formatDuration, formatTime } from './render';

describe('how times read', () => {
  it.each<[number, string]>([
    [0, '0s'],
    [59, '59s'],
    [60, '1m'],
    [1200, '20m'],
    [3600, '1h 00m'],
    [5400, '1h 30m'],
    [86399, '23h 59m'],
    [89100, '1d 0h'],
    [3 * 86400 + 5 * 3600 + 59, '3d 5h'],
  ])('%i seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('prints times to the minute in UTC', () => {
    expect(formatTime('2026-11-24T15:10:59+01:00')).toBe('2026-11-24 14:10 UTC');
  });
});
