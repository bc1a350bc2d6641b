/** What the step shows: its outputs and the job summary of the verified deploy. */
import { setOutputs } from '@pipelines/action-kit/run';
import { writeSummary } from '@pipelines/action-kit/summary';
import type { DeployResult } from './effects';
import type { CodeSource, Inputs } from './inputs';

export async function report(
  inputs: Pick<Inputs, 'functionName' | 'source' | 'alias'>,
  result: DeployResult,
): Promise<void> {
  setOutputs({
    version: result.version,
    'code-sha256': result.codeSha256,
    'previous-version': result.previousVersion,
    'function-arn': result.functionArn,
  });
  await writeSummary('Lambda deploy', [
    ['function', inputs.functionName],
    ['code from', sourceText(inputs.source)],
    ['code sha256 (verified)', result.codeSha256],
    ['version', result.version],
    ['alias', aliasText(inputs.alias, result)],
    ['function arn', result.functionArn],
  ]);
}

function sourceText(source: CodeSource): string {
  if (source.kind === 's3')
    return `s3://${source.bucket}/${source.key}?versionId=${source.version}`;
  if (source.kind === 'zip') return source.file;
  return `published version ${source.version} (roll-back: $LATEST untouched)`;
}

function aliasText(alias: string | undefined, result: DeployResult): string {
  if (!alias) return '(none: publish an alias to serve a verified version)';
  return `${alias}: ${result.previousVersion || '(new)'} → ${result.version}`;
}
