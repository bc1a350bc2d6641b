/** Small statistics for noisy timings: medians and ratios, never single runs. */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** ours / peer, to two decimals (below 1 means ours is faster). */
export function ratio(ours: number, peer: number): number {
  return Math.round((ours / peer) * 100) / 100;
}

export function formatMs(ms: number): string {
  return ms >= 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : `${Math.round(ms)} ms`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(2)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** Whether a measured ratio meets its target; undefined targets are informational rows. */
export function verdict(measured: number, target: number | undefined): string {
  if (target === undefined) return '';
  return measured <= target ? `met (≤ ${target})` : `**missed** (target ≤ ${target})`;
}
