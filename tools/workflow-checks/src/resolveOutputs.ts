/**
 * The outputs of the pipeline's resolve job for a ref, computed by the same code the
 * resolve-environment action runs (resolveRef over environments.yml, from @pipelines/environments, and
 * the action's own outputsOf), so they are spelled exactly the way the action's outputs are.
 */
import path from 'node:path';
import { loadEnvironments, resolveRef } from '@pipelines/environments';
import { outputsOf } from '../../../actions/resolve-environment/src/summary';
import { repoRoot } from './paths';

/** The resolve job's outputs for a ref, as strings, the way the workflow's expressions see them. */
export function resolveOutputsFor(
  configFile = path.join(repoRoot, 'environments.yml'),
): (ref: string) => Record<string, string> {
  const config = loadEnvironments(configFile);
  return (ref) => outputsOf(resolveRef(config, ref), config);
}
