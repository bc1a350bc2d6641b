/**
 * The outputs of the pipeline's resolve job for a ref, computed by the same code the
 * resolve-environment action runs (resolveRef over environments.yml, from @pipelines/shared), and
 * spelled the way the action's outputs spell them.
 */
import path from 'node:path';
import { loadEnvironments, resolveRef } from '@pipelines/shared/src/environments';
import { repoRoot } from './paths';

/** The resolve job's outputs for a ref, as strings, the way the workflow's expressions see them. */
export function resolveOutputsFor(
  configFile = path.join(repoRoot, 'environments.yml'),
): (ref: string) => Record<string, string> {
  const config = loadEnvironments(configFile);
  return (ref) => {
    const r = resolveRef(config, ref);
    return {
      // No environment: the action outputs an empty string.
      environment: r.environment ?? '',
      tier: r.tier,
      build: String(r.build),
      deploy: String(r.deploy),
      approval: String(r.approval),
      'artifact-key': r.artifactKey,
      'function-name': r.functionName,
      bucket: r.bucket,
    };
  };
}
