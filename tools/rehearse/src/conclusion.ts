/**
 * The end of a rehearsal phase (the run up to the hold, or the approved run), decided from what
 * the pipeline reported and what the local AWS says: the exit code, the summary row, and what to
 * tell the user. Pure: `concludePhase.ts` observes the local AWS and prints the lines.
 */
import type { Resolution } from '@pipelines/environments';
import type { DeploymentLink } from './githubState';
import { listedImages, type PipelineResults } from './results';
import { holdMessage, summaryTable, type SummaryRow } from './summary';
import {
  imagesClaimed,
  judge,
  type Claims,
  type ImageClaim,
  type Observation,
  type Verdict,
} from './verify';

export const EXIT = { deployed: 0, failed: 1, usage: 2, held: 3, interrupted: 130 } as const;

/** What one act run of the rehearsal left: how act ended and what the pipeline reported. */
export interface PhaseRecord {
  readonly ref: string;
  readonly commit: string;
  readonly resolution: Resolution;
  /** The ECR repository the images job pushes to (the plan's first). */
  readonly repository: string;
  readonly results: PipelineResults;
  /** Jobs held for approval (not run): none after approval. */
  readonly held: readonly string[];
  readonly actExit: number;
  /** A job ended in failure. */
  readonly failed: boolean;
  readonly seconds: number;
  /** sha256 of the placeholder package the functions run until a deploy. */
  readonly placeholderSha256: string;
  /** The environment's newest deployment record in the local GitHub, if any. */
  readonly deployment?: DeploymentLink;
  /** The command that approves a held rehearsal (args.ts approveCommand). */
  readonly approveCommand: string;
}

export interface Conclusion {
  exitCode: number;
  verdict?: Verdict;
  rows: SummaryRow[];
  /** What to print, in order. */
  lines: string[];
}

/** What to check against the local AWS: the pipeline's results, environments.yml's otherwise. */
export function claimsOf(record: PhaseRecord): Claims | undefined {
  const { resolution, results } = record;
  if (!resolution.environment || !resolution.deploy) return undefined;
  return {
    environment: resolution.environment,
    functionName: resolution.functionName,
    alias: resolution.functionAlias,
    bucket: results.bucket ?? resolution.bucket,
    key: results.key ?? resolution.artifactKey,
    versionId: results.versionId,
    repository: record.repository,
    digest: results.digest,
    ...(results.images ? { images: imagesOf(results.images) } : {}),
  };
}

/** release-candidate's `images` output; an unreadable list claims nothing (judged as missing). */
function imagesOf(json: string): ImageClaim[] {
  return listedImages(json).map((image) => ({
    repository: String(image.repository),
    digest: String(image.digest),
  }));
}

/** The conclusion of a phase; `seen` is the local AWS's answer for claimsOf(record). */
export function conclude(record: PhaseRecord, seen?: Observation): Conclusion {
  const { ref } = record;
  const claims = claimsOf(record);
  if (!claims || !seen) {
    const ok = record.actExit === 0 && !record.failed;
    return {
      exitCode: ok ? EXIT.deployed : EXIT.failed,
      rows: [],
      lines: [
        ok
          ? `\n${ref} deploys nowhere (environments.yml): the checks ran and passed.`
          : `\nThe workflow failed (act exit ${record.actExit}).`,
      ],
    };
  }
  const holding = record.held.length > 0;
  const verdict = judge(claims, seen, holding ? { expectUnchanged: record.placeholderSha256 } : {});
  const reported = record.results.environment;
  if (reported !== undefined && reported !== claims.environment) {
    verdict.problems.push(
      `the resolve job routed ${ref} to ${reported}, environments.yml says ${claims.environment}`,
    );
    verdict.deployed = false;
  }
  if (record.failed || record.actExit !== 0) {
    verdict.problems.unshift(`the workflow failed (act exit ${record.actExit})`);
    verdict.deployed = false;
  }
  const ok = verdict.problems.length === 0;
  const row: SummaryRow = {
    environment: claims.environment,
    function: claims.functionName,
    codeSha256: seen.functionSha256,
    s3Version: claims.versionId,
    imageDigest: claims.digest,
    seconds: record.seconds,
    result: ok ? (holding ? 'waiting for approval' : 'deployed') : 'failed',
    ...(record.deployment
      ? { deployment: { id: record.deployment.id, state: record.deployment.state } }
      : {}),
  };
  const lines: string[] = [];
  if (ok && holding) {
    lines.push(
      '\n' +
        holdMessage(
          {
            environment: claims.environment,
            commit: record.commit,
            ref,
            sha256: seen.objectSha256,
            bucket: claims.bucket,
            key: claims.key,
            versionId: claims.versionId,
            digest: claims.digest,
            imageUri: record.results.imageUri,
          },
          record.approveCommand,
        ),
    );
  }
  lines.push('\n' + summaryTable([row]));
  if (record.deployment) {
    lines.push(
      `Deployment record ${record.deployment.id} of ${claims.environment} (${record.deployment.state}) in the local GitHub: ${record.deployment.url}`,
    );
  }
  if (ok && !holding) {
    lines.push(
      `\nVerified in the local AWS: ${claims.functionName} runs s3://${claims.bucket}/${claims.key} version ${claims.versionId} (sha256 ${seen.functionSha256}); the registry serves ${imagesClaimed(
        claims,
      )
        .map((i) => `${i.repository}@${i.digest}`)
        .join(' and ')}.`,
    );
  }
  for (const problem of verdict.problems) lines.push(`✗ ${problem}`);
  return {
    exitCode: ok ? (holding ? EXIT.held : EXIT.deployed) : EXIT.failed,
    verdict,
    rows: [row],
    lines,
  };
}
