/** What the two steps show: the main step's outputs, and each step's job summary. */
import { setOutputs, writeSummary } from '@pipelines/action-kit';
import type { Restored } from './effects';

const HEADING = 'cache-dependencies';

export interface RestoreReport {
  backend: string;
  key: string;
  /** The directory restored into. */
  target: string;
  lockfiles: readonly string[];
  restored: Restored;
}

export async function reportRestore(facts: RestoreReport): Promise<void> {
  const { restored } = facts;
  setOutputs({ 'cache-hit': restored.hit, key: facts.key, 'matched-key': restored.matchedKey });
  await writeSummary(HEADING, [
    ['backend', facts.backend],
    ['key', facts.key],
    ['matched key', restored.matchedKey],
    ['cache hit', String(restored.hit)],
    ['path', facts.target],
    ['lockfiles', facts.lockfiles.join(', ')],
    ['result', restored.note],
  ]);
}

export interface SaveReport {
  backend: string;
  key: string;
  path: string;
  /** One line: what the save did. */
  note: string;
}

export async function reportSave(facts: SaveReport): Promise<void> {
  await writeSummary(`${HEADING} (save)`, [
    ['backend', facts.backend],
    ['key', facts.key],
    ['path', facts.path],
    ['result', facts.note],
  ]);
}
