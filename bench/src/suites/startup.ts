/**
 * Action start-up and size: each dist bundle's size, and the time from process start to exit for
 * a run that fails fast on a missing input, against an empty Node start (both on Node 24).
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, toolPath } from '@pipelines/testkit';
import { repeat, timeCommand } from '../measure';
import type { Section } from '../report';
import { formatBytes, formatMs, median } from '../stats';

/** Published bundle sizes of the official actions, for comparison (from the issue). */
const OFFICIAL =
  '2.4 MB (amazon-ecr-login), 3.1 MB (configure-aws-credentials), 3.9 MB (aws-lambda-deploy), 3.2 MB (actions/cache)';

const LIMIT_BYTES = 1.5 * 1024 * 1024;
const LIMIT_MS = 150;

/** Every .js file of a dist folder: the entry plus the chunks ncc split off for dynamic imports. */
function bundleBytes(dist: string): number {
  return readdirSync(dist, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.js'))
    .reduce((sum, f) => sum + statSync(path.join(dist, f)).size, 0);
}

export async function startupSuite(runs: number): Promise<Section> {
  const node = toolPath('node24');
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  const empty = median(
    await repeat(runs, async () => (await timeCommand(node, ['-e', ''], env)).ms, 1),
  );
  const actions = readdirSync(path.join(repoRoot, 'actions')).filter((name) => {
    try {
      return statSync(path.join(repoRoot, 'actions', name, 'dist', 'index.js')).isFile();
    } catch {
      return false;
    }
  });
  const rows = [];
  for (const name of actions.sort()) {
    const entry = path.join(repoRoot, 'actions', name, 'dist', 'index.js');
    // No inputs at all: every action fails at input parsing, before any AWS client is used.
    const times = await repeat(
      runs,
      async () => {
        const run = await timeCommand(node, [entry], env);
        if (run.exitCode === 0)
          throw new Error(
            `${name} succeeded without inputs; the start-up benchmark needs a fast failure`,
          );
        return run.ms;
      },
      1,
    );
    const over = median(times) - empty;
    const dist = path.join(repoRoot, 'actions', name, 'dist');
    const main = statSync(entry).size;
    const total = bundleBytes(dist);
    rows.push({
      case: name,
      ours: `${formatBytes(main)}${total > main ? ` (${formatBytes(total)} with lazy chunks)` : ''}, +${formatMs(over)}`,
      peer: `empty node: ${formatMs(empty)}`,
      ratio: `${(median(times) / empty).toFixed(2)}× start`,
      target: `${main <= LIMIT_BYTES ? 'size met' : '**size missed**'} (≤ 1.5 MB); ${over <= LIMIT_MS ? 'start met' : '**start missed**'} (≤ +150 ms)`,
    });
  }
  return {
    title: 'Action start-up and bundle size',
    ours: 'bundle size, start-up over empty Node',
    peer: 'empty Node 24 start',
    rows,
    notes: [
      `Median of ${runs} runs each, after one unmeasured run. Sizes are dist/index.js, what every run loads (the size target); chunks that ncc split off for dynamic imports load only when used.`,
      `Official actions' bundles for comparison: ${OFFICIAL}.`,
    ],
  };
}
