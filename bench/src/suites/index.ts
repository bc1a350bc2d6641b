import type { Section } from '../report';
import { startupSuite } from './startup';

export interface SuiteOptions {
  quick: boolean;
}

export interface Suite {
  name: string;
  run(options: SuiteOptions): Promise<Section>;
}

export const suites: Suite[] = [
  { name: 'startup', run: ({ quick }) => startupSuite(quick ? 1 : 15) },
];
