/**
 * Action start-up and size: each dist bundle's size, and the time from process start to exit for
 * a run that fails fast on a missing input, against an empty Node start (both on Node 24).
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, toolPath } from '@pipelines/testkit';
import { repeat, timeCommand } from '../measure';
import { profileStartup, type StartupBreakdown } from '../profile';
import type { Section } from '../report';
import { formatBytes, formatMs, median } from '../stats';

/** Published bundle sizes of the official actions, for comparison (from the issue). */
const OFFICIAL =
  '2.4 MB (amazon-ecr-login), 3.1 MB (configure-aws-credentials), 3.9 MB (aws-lambda-deploy), 3.2 MB (actions/cache)';

/** The targets: dist/index.js at most 1 MB, start-up at most 80 ms over an empty Node start. */
const LIMIT_BYTES = 1024 * 1024;
const LIMIT_MS = 80;
/** Profiled runs of a bundle that misses a target, to say what its start-up went to. */
const PROFILED_RUNS = 5;

/**
 * Actions whose run without inputs is a successful no-op rather than a failure: notify sends
 * nothing when no webhook is set (the default), so that run is its start-up.
 */
const NO_OP_WITHOUT_INPUTS = new Set(['notify']);

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
  const emptyRun = async () => (await timeCommand(node, ['-e', ''], env)).ms;
  await emptyRun();
  const actions = readdirSync(path.join(repoRoot, 'actions')).filter((name) => {
    try {
      return statSync(path.join(repoRoot, 'actions', name, 'dist', 'index.js')).isFile();
    } catch {
      return false;
    }
  });
  const rows = [];
  const costs: string[] = [];
  for (const name of actions.sort()) {
    const entry = path.join(repoRoot, 'actions', name, 'dist', 'index.js');
    // No inputs at all: every action fails fast, before any AWS client is loaded (on its inputs;
    // cache-dependencies on the cache service its default backend needs). Each run alternates
    // with an empty Node start, so both see the same load on this shared machine.
    const emptyTimes: number[] = [];
    const times = await repeat(
      runs,
      async () => {
        emptyTimes.push(await emptyRun());
        const run = await timeCommand(node, [entry], env);
        if (run.exitCode === 0 && !NO_OP_WITHOUT_INPUTS.has(name))
          throw new Error(
            `${name} succeeded without inputs; the start-up benchmark needs a fast failure`,
          );
        return run.ms;
      },
      1,
    );
    const empty = median(emptyTimes.slice(-runs));
    const over = median(times) - empty;
    const dist = path.join(repoRoot, 'actions', name, 'dist');
    const main = statSync(entry).size;
    const total = bundleBytes(dist);
    rows.push({
      case: name,
      ours: `${formatBytes(main)}${total > main ? ` (${formatBytes(total)} with lazy chunks)` : ''}, +${formatMs(over)}`,
      peer: `empty node: ${formatMs(empty)}`,
      ratio: `${(median(times) / empty).toFixed(2)}× start`,
      target: `${main <= LIMIT_BYTES ? 'size met' : '**size missed**'} (≤ 1 MB); ${over <= LIMIT_MS ? 'start met' : '**start missed**'} (≤ +80 ms)`,
    });
    if (over > LIMIT_MS || main > LIMIT_BYTES) {
      // What the time went to, from V8's profiles of a few more runs of the same bundle.
      const profiles: StartupBreakdown[] = [];
      for (let i = 0; i < PROFILED_RUNS; i++) profiles.push(await profileStartup(node, entry, env));
      const part = (pick: (b: StartupBreakdown) => number) => formatMs(median(profiles.map(pick)));
      costs.push(
        `${name} misses: its profiled runs (medians of ${PROFILED_RUNS}) spent ${part((b) => b.compileMs)} compiling its bundle files (dist/index.js is ${formatBytes(main)}), ${part((b) => b.builtinsMs)} loading Node's built-in modules they require, ${part((b) => b.bundleMs)} running the bundle's code and ${part((b) => b.otherMs)} in Node itself (its own start, garbage collection, waiting for a core on this shared machine).`,
      );
    }
  }
  return {
    title: 'Action start-up and bundle size',
    ours: 'bundle size, start-up over empty Node',
    peer: 'empty Node 24 start',
    rows,
    notes: [
      `Median of ${runs} runs each, after one unmeasured run, each run alternating with an empty Node start (the empty column: their median, beside that action's runs). Sizes are dist/index.js, what every run loads (the size target); chunks that ncc split off for dynamic imports (the AWS SDK, the cache toolkit, archiving) load only when used.`,
      "What every entry loads before it can fail on an input: zod, which parses the inputs (about 45 KB of dist/index.js once terser drops what is unused, such as its other languages' messages), and @actions/core (about 35 KB, and at load time Node's crypto and child_process, which its exec/io helpers require). The rest is the action's own code; resolve-environment's also holds the YAML parser and the environments.yml model.",
      ...costs,
      `Official actions' bundles for comparison: ${OFFICIAL}.`,
    ],
  };
}
