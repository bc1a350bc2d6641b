/**
 * The fourth phase: the workflow act runs up to the hold (the held jobs removed), its push event,
 * and act's invocation: the stand-ins for third-party actions, the variables and secrets GitHub
 * would pass, and every GitHub API call and AWS credential pointed at the local services.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@pipelines/testkit';
import { pushEventPayload, type ActInvocation } from './act';
import { ENVIRONMENT_ROLE_MARKER, standInEnvironment } from './oidcAws';
import type { LocalAwsSetup, LocalServices, PreparedWorkflow, RunStart } from './record';
import { jobOutputSources } from './results';
import type { ServersSetup } from './servers';
import { standInRepositories, standInsRoot } from './standIns';
import { heldJobs, workflowForAct, workflowJobs } from './workflow';
import { reuseCacheFolder, writeJson } from './workspace';

export async function prepareWorkflow(
  start: Pick<RunStart, 'options' | 'model' | 'resolution' | 'head' | 'folder' | 'directory'>,
  services: LocalServices,
  servers: Pick<ServersSetup, 'rehearsed'>,
  aws: LocalAwsSetup,
): Promise<PreparedWorkflow> {
  const { options, model, resolution, head, folder, directory } = start;
  const text = readFileSync(path.join(directory, options.workflow), 'utf8');
  const jobs = workflowJobs(text);
  const held = resolution.approval ? heldJobs(jobs, services.approvalEnvironments) : [];
  const derived = path.join(folder.root, 'workflow', path.basename(options.workflow));
  mkdirSync(path.dirname(derived), { recursive: true });
  writeFileSync(derived, workflowForAct(text, held, { rollout: servers.rehearsed }));
  if (held.length) options.log(`Held for approval (not run): ${held.join(', ')}`);

  const localRepositories = standInRepositories(directory, text);
  const eventPath = writeJson(
    path.join(folder.root, 'event.json'),
    pushEventPayload({
      ref: options.ref,
      sha: head.sha,
      repository: model.project.github,
      defaultBranch: 'master',
      message: head.message,
    }),
  );
  const [owner = ''] = model.project.github.split('/');
  const invocation: ActInvocation = {
    directory,
    workflow: derived,
    eventPath,
    localRepositories,
    vars: {
      AWS_REGION: aws.plan.region,
      // Each environment's own on GitHub: the stand-in picks the job's (oidcAws.ts).
      AWS_ROLE_ARN: ENVIRONMENT_ROLE_MARKER,
      ECR_REGISTRY: services.registry.host,
    },
    secrets: { GITHUB_TOKEN: services.github.state.token },
    env: {
      GITHUB_REPOSITORY: model.project.github,
      GITHUB_REPOSITORY_OWNER: owner,
      // Every GitHub API call of the workflow goes to the local stand-in.
      GITHUB_API_URL: services.github.url,
      GITHUB_RUN_ID: String(services.runId),
      REHEARSAL_BIN: folder.bin,
      ...standInEnvironment(aws.oidcAws, options.workflow),
      REHEARSAL_ARTIFACTS: folder.artifacts,
      REHEARSAL_STAND_INS: standInsRoot,
    },
    artifactPath: folder.actArtifacts,
    artifactPort: await freePort(),
    // Kept between runs, one folder per ref: what makes a second run of the same inputs warm.
    cachePath: reuseCacheFolder(path.dirname(folder.root), options.ref),
    cachePort: await freePort(),
    actionCachePath: folder.actionCache,
  };
  return {
    text,
    jobs,
    held,
    rollout: servers.rehearsed,
    derived,
    sources: jobOutputSources(text),
    invocation,
  };
}
