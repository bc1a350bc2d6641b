/**
 * The end of each act run: the pipeline's results (read by job and step) checked against the local
 * AWS, never the logs; conclusion.ts decides the exit code, the summary row and what to print.
 */
import { createHash } from 'node:crypto';
import type { ActLog } from './actLog';
import { approveCommand } from './args';
import { claimsOf, conclude, type Conclusion, type PhaseRecord } from './conclusion';
import { newestDeployment } from './githubState';
import type { PhaseRun, RunRecord } from './record';
import { pipelineResults } from './results';
import { observe } from './verify';
import { placeholderPackage } from './zip';

/**
 * Concludes a phase: the pipeline's results (read from `reported`, by job and step) checked
 * against the local AWS. `held` is empty once approved.
 */
export async function concludePhase(
  record: Pick<
    RunRecord,
    'options' | 'began' | 'model' | 'resolution' | 'head' | 'services' | 'aws' | 'workflow'
  >,
  reported: ActLog,
  phase: PhaseRun,
  held: readonly string[],
): Promise<Conclusion> {
  const phaseRecord: PhaseRecord = {
    ref: record.options.ref,
    commit: record.head.sha,
    resolution: record.resolution,
    repository: record.aws.plan.repositories[0] ?? '',
    results: pipelineResults(reported.outputs, record.workflow.sources),
    held,
    actExit: phase.exitCode,
    failed: phase.failed,
    seconds: (Date.now() - record.began) / 1000,
    placeholderSha256: createHash('sha256').update(placeholderPackage()).digest('hex'),
    approveCommand: approveCommand(record.options),
    deployment: record.resolution.environment
      ? newestDeployment(
          record.services.github.state.deployments ?? [],
          record.resolution.environment,
          `${record.services.github.url}/repos/${record.model.project.github}`,
        )
      : undefined,
  };
  const claims = claimsOf(phaseRecord);
  const seen = claims
    ? await observe(record.aws.clients, record.services.registry.endpoint, claims)
    : undefined;
  const conclusion = conclude(phaseRecord, seen);
  for (const line of conclusion.lines) record.options.log(line);
  return conclusion;
}
