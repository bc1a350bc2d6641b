/**
 * What moto cannot show (it ignores S3ObjectVersion, has no RevisionId, and its functions never
 * sit InProgress): the parameters sent and the waits and retries, with the SDK mocked at its
 * boundary. Everything else is tested against moto in test/.
 */
import {
  CreateAliasCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { sha256HexToBase64 } from '@pipelines/shared';
import { mockClient } from 'aws-sdk-client-mock';
import { deploy } from './deploy';
import type { Inputs } from './inputs';

const OLD = '1111111111111111111111111111111111111111111111111111111111111111';
const NEW = '2222222222222222222222222222222222222222222222222222222222222222';
const B64 = { old: sha256HexToBase64(OLD), new: sha256HexToBase64(NEW) };

const inputs: Inputs = {
  functionName: 'prod-KatanaLambda',
  source: {
    kind: 's3',
    bucket: 'artifacts-upper',
    key: 'prod/katana-lambda.zip',
    version: 'v-approved',
  },
  expectedSha256: NEW,
  publish: true,
  alias: 'live',
  region: 'us-east-1',
  timeoutSeconds: 60,
};

const lambdaMock = mockClient(LambdaClient);
const conflict = () =>
  Object.assign(
    new Error('The operation cannot be performed at this time. An update is in progress'),
    {
      name: 'ResourceConflictException',
    },
  );

function harness() {
  let clock = 0;
  const sleeps: number[] = [];
  const log: string[] = [];
  const ctx = {
    lambda: new LambdaClient({ region: 'us-east-1' }),
    deadline: 60_000,
    log: (m: string) => log.push(m),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
  };
  return { ctx, sleeps, log };
}

/** A function on OLD code behind live=1 that takes NEW code and publishes version 2. */
function happyFunction() {
  lambdaMock
    .on(GetFunctionConfigurationCommand)
    .resolvesOnce({ CodeSha256: B64.old, State: 'Active', LastUpdateStatus: 'Successful' })
    .resolvesOnce({ CodeSha256: B64.old, State: 'Active', LastUpdateStatus: 'Successful' })
    .resolves({
      CodeSha256: B64.new,
      State: 'Active',
      LastUpdateStatus: 'Successful',
      RevisionId: 'fn-rev-2',
    });
  lambdaMock.on(UpdateFunctionCodeCommand).resolves({ LastUpdateStatus: 'InProgress' });
  lambdaMock
    .on(PublishVersionCommand)
    .resolves({ Version: '2', CodeSha256: B64.new, FunctionArn: 'arn:fn:2' });
  lambdaMock
    .on(GetAliasCommand)
    .resolvesOnce({ FunctionVersion: '1', RevisionId: 'alias-rev-1' })
    .resolvesOnce({ FunctionVersion: '1', RevisionId: 'alias-rev-1' })
    .resolves({ FunctionVersion: '2', RevisionId: 'alias-rev-2' });
  lambdaMock.on(UpdateAliasCommand).resolves({ FunctionVersion: '2', RevisionId: 'alias-rev-2' });
}

beforeEach(() => lambdaMock.reset());

describe('deploy (parameters moto ignores)', () => {
  it('sends the exact S3 object version with the code update, never leaving it to "latest"', async () => {
    happyFunction();
    await deploy(harness().ctx, inputs, NEW);
    expect(lambdaMock.commandCalls(UpdateFunctionCodeCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'prod-KatanaLambda',
      S3Bucket: 'artifacts-upper',
      S3Key: 'prod/katana-lambda.zip',
      S3ObjectVersion: 'v-approved',
      Publish: false,
    });
  });

  it("publishes only if the code is the package's (CodeSha256 in base64) and unchanged (RevisionId)", async () => {
    happyFunction();
    await deploy(harness().ctx, inputs, NEW);
    expect(lambdaMock.commandCalls(PublishVersionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'prod-KatanaLambda',
      CodeSha256: B64.new,
      RevisionId: 'fn-rev-2',
    });
  });

  it('moves the alias conditionally on the RevisionId it read at the start', async () => {
    happyFunction();
    const result = await deploy(harness().ctx, inputs, NEW);
    expect(lambdaMock.commandCalls(UpdateAliasCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'prod-KatanaLambda',
      Name: 'live',
      FunctionVersion: '2',
      RevisionId: 'alias-rev-1',
    });
    expect(result).toMatchObject({ version: '2', previousVersion: '1', codeSha256: NEW });
  });

  it('creates the alias when it does not exist yet, with no previous version', async () => {
    happyFunction();
    const notFound = Object.assign(new Error('Alias not found'), {
      name: 'ResourceNotFoundException',
    });
    lambdaMock
      .on(GetAliasCommand)
      .rejectsOnce(notFound)
      .rejectsOnce(notFound)
      .resolves({ FunctionVersion: '2', RevisionId: 'r' });
    lambdaMock.on(CreateAliasCommand).resolves({ FunctionVersion: '2', RevisionId: 'r' });
    const result = await deploy(harness().ctx, inputs, NEW);
    expect(lambdaMock.commandCalls(CreateAliasCommand)).toHaveLength(1);
    expect(lambdaMock.commandCalls(UpdateAliasCommand)).toHaveLength(0);
    expect(result.previousVersion).toBe('');
  });
});

describe('deploy (waits and retries moto cannot produce)', () => {
  it('retries the "update in progress" conflict with bounded delays, then updates', async () => {
    happyFunction();
    lambdaMock
      .on(UpdateFunctionCodeCommand)
      .rejectsOnce(conflict())
      .rejectsOnce(conflict())
      .resolves({});
    const { ctx, sleeps } = harness();
    await deploy(ctx, inputs, NEW);
    expect(lambdaMock.commandCalls(UpdateFunctionCodeCommand)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms >= 0 && ms <= 10_000)).toBe(true);
  });

  it('waits while LastUpdateStatus is InProgress, then verifies the code', async () => {
    const inProgress = {
      CodeSha256: B64.old,
      State: 'Active',
      LastUpdateStatus: 'InProgress',
    } as const;
    happyFunction();
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce({ CodeSha256: B64.old, State: 'Active', LastUpdateStatus: 'Successful' })
      .resolvesOnce({ CodeSha256: B64.old, State: 'Active', LastUpdateStatus: 'Successful' })
      .resolvesOnce(inProgress)
      .resolvesOnce(inProgress)
      .resolves({ CodeSha256: B64.new, State: 'Active', LastUpdateStatus: 'Successful' });
    const { ctx, sleeps } = harness();
    await deploy(ctx, inputs, NEW);
    expect(sleeps).toHaveLength(2);
    expect(lambdaMock.commandCalls(PublishVersionCommand)).toHaveLength(1);
  });

  it('gives up at the timeout when the update never finishes, publishing nothing', async () => {
    happyFunction();
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce({ CodeSha256: B64.old, State: 'Active', LastUpdateStatus: 'Successful' })
      .resolvesOnce({ CodeSha256: B64.old, State: 'Active', LastUpdateStatus: 'Successful' })
      .resolves({ CodeSha256: B64.old, State: 'Active', LastUpdateStatus: 'InProgress' });
    const { ctx, sleeps } = harness();
    await expect(deploy(ctx, inputs, NEW)).rejects.toThrow(
      /timed out.*LastUpdateStatus is InProgress/,
    );
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000);
    expect(lambdaMock.commandCalls(PublishVersionCommand)).toHaveLength(0);
  });

  it("reports a failed update with Lambda's reason and publishes nothing", async () => {
    happyFunction();
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce({ CodeSha256: B64.old, State: 'Active', LastUpdateStatus: 'Successful' })
      .resolvesOnce({ CodeSha256: B64.old, State: 'Active', LastUpdateStatus: 'Successful' })
      .resolves({
        LastUpdateStatus: 'Failed',
        LastUpdateStatusReason: 'Unzipped size must be smaller than 262144000 bytes',
      });
    await expect(deploy(harness().ctx, inputs, NEW)).rejects.toThrow(
      'Unzipped size must be smaller',
    );
    expect(lambdaMock.commandCalls(PublishVersionCommand)).toHaveLength(0);
  });
});

describe('deploy (alias safety)', () => {
  it('refuses to move an alias that another deploy moved since the start, sending no UpdateAlias', async () => {
    happyFunction();
    lambdaMock
      .on(GetAliasCommand)
      .resolvesOnce({ FunctionVersion: '1', RevisionId: 'alias-rev-1' })
      .resolves({ FunctionVersion: '5', RevisionId: 'alias-rev-5' });
    await expect(deploy(harness().ctx, inputs, NEW)).rejects.toThrow(
      'it pointed at version 1 when the deploy started and points at version 5 now',
    );
    expect(lambdaMock.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });

  it('says how to restore the alias by hand when rolling it back also fails', async () => {
    happyFunction();
    lambdaMock
      .on(GetAliasCommand)
      .resolvesOnce({ FunctionVersion: '1', RevisionId: 'alias-rev-1' })
      .resolvesOnce({ FunctionVersion: '1', RevisionId: 'alias-rev-1' })
      .resolves({ FunctionVersion: '2', RevisionId: 'alias-rev-2' });
    lambdaMock
      .on(GetFunctionConfigurationCommand, { FunctionName: 'prod-KatanaLambda', Qualifier: 'live' })
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    lambdaMock
      .on(UpdateAliasCommand)
      .resolvesOnce({ FunctionVersion: '2', RevisionId: 'alias-rev-2' })
      .rejects(Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' }));
    const error = await deploy(harness().ctx, inputs, NEW).catch((e: unknown) => e);
    expect(String(error)).toContain('rolling the alias back to version 1 ALSO failed: throttled');
    expect(String(error)).toContain(
      'aws lambda update-alias --function-name prod-KatanaLambda --name live --function-version 1',
    );
    // The roll-back was conditional on our own move.
    expect(lambdaMock.commandCalls(UpdateAliasCommand)[1]?.args[0].input).toMatchObject({
      FunctionVersion: '1',
      RevisionId: 'alias-rev-2',
    });
  });
});
