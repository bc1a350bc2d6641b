import type { Section } from '../report';
import { MiB } from '../local';
import { cacheSuite } from './cache';
import { ecrSuite } from './ecr';
import { lambdaSuite } from './lambda';
import { rehearsalSuite } from './rehearsal';
import { s3Suite } from './s3';
import { startupSuite } from './startup';
import { testsSuite } from './tests';

export interface SuiteOptions {
  quick: boolean;
}

export interface Suite {
  name: string;
  run(options: SuiteOptions): Promise<Section>;
}

export const suites: Suite[] = [
  {
    name: 's3',
    run: ({ quick }) =>
      s3Suite(
        quick
          ? { sizes: [1 * MiB, 9 * MiB], runs: 1 }
          : { sizes: [8 * MiB, 64 * MiB, 256 * MiB], runs: 3 },
      ),
  },
  {
    name: 'ecr',
    run: ({ quick }) =>
      ecrSuite(
        quick
          ? { layerSizes: [512 * 1024, 256 * 1024, 128 * 1024, 64 * 1024, 32 * 1024], runs: 1 }
          : { layerSizes: [80, 50, 40, 20, 10].map((n) => n * MiB), runs: 3 },
      ),
  },
  { name: 'lambda', run: ({ quick }) => lambdaSuite({ runs: quick ? 1 : 5 }) },
  { name: 'startup', run: ({ quick }) => startupSuite(quick ? 1 : 15) },
  { name: 'cache', run: ({ quick }) => cacheSuite({ quick }) },
  { name: 'rehearsal', run: ({ quick }) => rehearsalSuite({ quick }) },
  { name: 'tests', run: ({ quick }) => testsSuite({ quick }) },
];
