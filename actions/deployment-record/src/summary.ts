/**
 * What the step shows: its output (the record's id, for the finish phase) and the job summary, one
 * line per phase, with the deployment, its environment, state and link.
 */
import * as core from '@actions/core';
import { setOutputs } from '@pipelines/action-kit';

export interface SummaryFacts {
  deploymentId: number;
  environment: string;
  state: string;
  /** Where the record is seen: the environment's deployments page on GitHub. */
  link: string;
}

export function summaryLine(facts: SummaryFacts): string {
  return `Deployment ${facts.deploymentId} of ${facts.environment}: ${facts.state} ([deployments of ${facts.environment}](${facts.link}))`;
}

/** GitHub's page of an environment's deployments. */
export function deploymentsPage(server: string, repository: string, environment: string): string {
  return `${server.replace(/\/+$/, '')}/${repository}/deployments/${encodeURIComponent(environment)}`;
}

export async function writeSummaryLine(facts: SummaryFacts): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(`${summaryLine(facts)}\n`).write();
}

/** The start phase's output: the id of the record the finish phase completes. */
export function setDeploymentId(id: number): void {
  setOutputs({ 'deployment-id': id });
}
