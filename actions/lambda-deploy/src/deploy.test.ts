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

interface FakeOptions {
  /** Reads answering InProgress before the function is ready, at the start. */
  busyAtStart?: number;
  /** Reads answering InProgress after each code update before it has finished. */
  busyAfterUpdate?: number;
  /** The update never finishes. */
  updateHangs?: boolean;
  /** The update ends Failed with this reason. */
  updateFailsWith?: string;
  /** UpdateFunctionCode calls refused with "update in progress" before one is accepted. */
  conflicts?: number;
  /** The code the function runs at the start (base64 sha256). */
  codeAtStart?: string;
  /** Where alias "live" points at the start (undefined: no alias). */
  aliasAtStart?: string;
  /** Another deploy moves the alias to this version just after our first read of it. */
  aliasMovedTo?: string;
}

/**
 * A stand-in for one Lambda function with an alias "live", answering each command from its state
 * rather than from a queue of answers, so the tests hold whatever order or number of reads the
 * deploy makes. It keeps moto's ignorance of nothing: RevisionIds change on every update.
 */
function fakeLambda(options: FakeOptions = {}) {
  let code = options.codeAtStart ?? B64.old;
  let revision = 1;
  let busy = options.busyAtStart ?? 0;
  let failed: string | undefined;
  let conflicts = options.conflicts ?? 0;
  const versions = new Map<string, string>([['1', B64.old]]);
  let alias =
    options.aliasAtStart === undefined
      ? undefined
      : { version: options.aliasAtStart, revision: 'alias-rev-1' };
  let aliasReads = 0;
  const config = () => ({
    CodeSha256: code,
    State: 'Active',
    RevisionId: `fn-rev-${revision}`,
    FunctionArn: 'arn:fn',
    ...(failed
      ? { LastUpdateStatus: 'Failed' as const, LastUpdateStatusReason: failed }
      : { LastUpdateStatus: busy > 0 ? ('InProgress' as const) : ('Successful' as const) }),
  });
  const notFound = (what: string) =>
    Object.assign(new Error(`${what} not found`), { name: 'ResourceNotFoundException' });

  lambdaMock.on(GetFunctionConfigurationCommand).callsFake((input: { Qualifier?: string }) => {
    if (input.Qualifier === 'live') {
      if (!alias) throw notFound('Alias');
      return { CodeSha256: versions.get(alias.version), State: 'Active' };
    }
    const answer = config();
    if (busy > 0 && !options.updateHangs) busy -= 1;
    return answer;
  });
  lambdaMock.on(UpdateFunctionCodeCommand).callsFake(() => {
    if (conflicts > 0) {
      conflicts -= 1;
      throw conflict();
    }
    code = B64.new;
    revision += 1;
    busy = options.updateHangs ? 1 : (options.busyAfterUpdate ?? 0);
    failed = options.updateFailsWith;
    return { LastUpdateStatus: 'InProgress' };
  });
  lambdaMock.on(PublishVersionCommand).callsFake(() => {
    const version = String(versions.size + 1);
    versions.set(version, code);
    return { Version: version, CodeSha256: code, FunctionArn: `arn:fn:${version}` };
  });
  lambdaMock.on(GetAliasCommand).callsFake(() => {
    aliasReads += 1;
    if (aliasReads === 2 && options.aliasMovedTo && alias) {
      alias = { version: options.aliasMovedTo, revision: 'alias-rev-other' };
    }
    if (!alias) throw notFound('Alias');
    return { FunctionVersion: alias.version, RevisionId: alias.revision, AliasArn: 'arn:fn:live' };
  });
  lambdaMock
    .on(UpdateAliasCommand)
    .callsFake((input: { FunctionVersion: string; RevisionId?: string }) => {
      if (!alias || input.RevisionId !== alias.revision) {
        throw Object.assign(new Error('precondition failed'), {
          name: 'PreconditionFailedException',
        });
      }
      alias = { version: input.FunctionVersion, revision: `alias-rev-${input.FunctionVersion}` };
      return { FunctionVersion: alias.version, RevisionId: alias.revision };
    });
  lambdaMock.on(CreateAliasCommand).callsFake((input: { FunctionVersion: string }) => {
    alias = { version: input.FunctionVersion, revision: `alias-rev-${input.FunctionVersion}` };
    return { FunctionVersion: alias.version, RevisionId: alias.revision };
  });
}

/** The commands sent, by name, in order. */
const sent = () => lambdaMock.calls().map((call) => call.args[0].constructor.name);

beforeEach(() => lambdaMock.reset());

const noAlias: Inputs = { ...inputs, publish: false, alias: undefined };

describe('deploy (calls made)', () => {
  it('deploys a ready function in three calls: read, update from S3, read back', async () => {
    fakeLambda();
    const result = await deploy(harness().ctx, noAlias, NEW);
    expect(sent()).toEqual([
      'GetFunctionConfigurationCommand',
      'UpdateFunctionCodeCommand',
      'GetFunctionConfigurationCommand',
    ]);
    expect(result).toMatchObject({ version: '$LATEST', codeSha256: NEW });
  });

  it('re-deploys a function already running the package with one read and no update', async () => {
    fakeLambda({ codeAtStart: B64.new });
    const result = await deploy(harness().ctx, noAlias, NEW);
    expect(sent()).toEqual(['GetFunctionConfigurationCommand']);
    expect(result.codeSha256).toBe(NEW);
  });

  it('behind an alias: reads it, updates, publishes, moves it after re-reading it, verifies through it', async () => {
    fakeLambda({ aliasAtStart: '1' });
    await deploy(harness().ctx, inputs, NEW);
    expect(sent()).toEqual([
      'GetFunctionConfigurationCommand',
      'GetAliasCommand',
      'UpdateFunctionCodeCommand',
      'GetFunctionConfigurationCommand',
      'PublishVersionCommand',
      'GetAliasCommand',
      'UpdateAliasCommand',
      'GetAliasCommand',
      'GetFunctionConfigurationCommand',
    ]);
  });
});

describe('deploy (parameters moto ignores)', () => {
  it('sends the exact S3 object version with the code update, never leaving it to "latest"', async () => {
    fakeLambda({ aliasAtStart: '1' });
    await deploy(harness().ctx, inputs, NEW);
    expect(lambdaMock.commandCalls(UpdateFunctionCodeCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'prod-KatanaLambda',
      S3Bucket: 'artifacts-upper',
      S3Key: 'prod/katana-lambda.zip',
      S3ObjectVersion: 'v-approved',
      Publish: false,
    });
  });

  it("publishes only if the code is the package's (CodeSha256 in base64) and unchanged since the update (RevisionId)", async () => {
    fakeLambda({ aliasAtStart: '1' });
    await deploy(harness().ctx, inputs, NEW);
    expect(lambdaMock.commandCalls(PublishVersionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'prod-KatanaLambda',
      CodeSha256: B64.new,
      RevisionId: 'fn-rev-2',
    });
  });

  it('publishes a re-run with the RevisionId of its only read', async () => {
    fakeLambda({ codeAtStart: B64.new, aliasAtStart: '1' });
    await deploy(harness().ctx, inputs, NEW);
    expect(lambdaMock.commandCalls(UpdateFunctionCodeCommand)).toHaveLength(0);
    expect(lambdaMock.commandCalls(PublishVersionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'prod-KatanaLambda',
      CodeSha256: B64.new,
      RevisionId: 'fn-rev-1',
    });
  });

  it('moves the alias conditionally on the RevisionId it read at the start', async () => {
    fakeLambda({ aliasAtStart: '1' });
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
    fakeLambda({ aliasAtStart: undefined });
    const result = await deploy(harness().ctx, inputs, NEW);
    expect(lambdaMock.commandCalls(CreateAliasCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'prod-KatanaLambda',
      Name: 'live',
      FunctionVersion: '2',
    });
    expect(lambdaMock.commandCalls(UpdateAliasCommand)).toHaveLength(0);
    expect(result.previousVersion).toBe('');
  });

  it('refuses code whose sha256 is not the package (as moto, deploying the latest object), publishing nothing', async () => {
    fakeLambda({ aliasAtStart: '1' });
    const other = '3333333333333333333333333333333333333333333333333333333333333333';
    await expect(deploy(harness().ctx, inputs, other)).rejects.toThrow(
      `but the package's sha256 is ${other}`,
    );
    expect(lambdaMock.commandCalls(PublishVersionCommand)).toHaveLength(0);
    expect(lambdaMock.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });
});

describe('deploy (waits and retries moto cannot produce)', () => {
  it('waits for an update already in progress at the start before deciding and updating', async () => {
    fakeLambda({ busyAtStart: 2, aliasAtStart: '1' });
    const { ctx, sleeps } = harness();
    await deploy(ctx, inputs, NEW);
    expect(sleeps).toHaveLength(2);
    // Three reads until ready (the first is the deploy's own), then one after the update.
    expect(
      lambdaMock.commandCalls(GetFunctionConfigurationCommand, { Qualifier: undefined }),
    ).toHaveLength(4);
    expect(lambdaMock.commandCalls(UpdateFunctionCodeCommand)).toHaveLength(1);
  });

  it('retries the "update in progress" conflict with bounded delays, then updates', async () => {
    fakeLambda({ conflicts: 2, aliasAtStart: '1' });
    const { ctx, sleeps } = harness();
    await deploy(ctx, inputs, NEW);
    expect(lambdaMock.commandCalls(UpdateFunctionCodeCommand)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms >= 0 && ms <= 10_000)).toBe(true);
    expect(lambdaMock.commandCalls(PublishVersionCommand)).toHaveLength(1);
  });

  it('waits while LastUpdateStatus is InProgress, then verifies the code', async () => {
    fakeLambda({ busyAfterUpdate: 2, aliasAtStart: '1' });
    const { ctx, sleeps } = harness();
    await deploy(ctx, inputs, NEW);
    expect(sleeps).toHaveLength(2);
    expect(lambdaMock.commandCalls(PublishVersionCommand)).toHaveLength(1);
  });

  it('gives up at the timeout when the update never finishes, publishing nothing', async () => {
    fakeLambda({ updateHangs: true, aliasAtStart: '1' });
    const { ctx, sleeps } = harness();
    await expect(deploy(ctx, inputs, NEW)).rejects.toThrow(
      /timed out.*LastUpdateStatus is InProgress/,
    );
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000);
    expect(lambdaMock.commandCalls(PublishVersionCommand)).toHaveLength(0);
  });

  it("reports a failed update with Lambda's reason and publishes nothing", async () => {
    fakeLambda({
      updateFailsWith: 'Unzipped size must be smaller than 262144000 bytes',
      aliasAtStart: '1',
    });
    await expect(deploy(harness().ctx, inputs, NEW)).rejects.toThrow(
      'Unzipped size must be smaller',
    );
    expect(lambdaMock.commandCalls(PublishVersionCommand)).toHaveLength(0);
  });
});

describe('deploy (alias safety)', () => {
  it('refuses to move an alias that another deploy moved since the start, sending no UpdateAlias', async () => {
    fakeLambda({ aliasAtStart: '1', aliasMovedTo: '5' });
    await expect(deploy(harness().ctx, inputs, NEW)).rejects.toThrow(
      'it pointed at version 1 when the deploy started and points at version 5 now',
    );
    expect(lambdaMock.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });

  it('rolls the alias back, conditionally on its own move, when the code through it cannot be verified', async () => {
    fakeLambda({ aliasAtStart: '1' });
    lambdaMock
      .on(GetFunctionConfigurationCommand, { FunctionName: 'prod-KatanaLambda', Qualifier: 'live' })
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(deploy(harness().ctx, inputs, NEW)).rejects.toThrow(
      'The alias was rolled back to version 1',
    );
    expect(lambdaMock.commandCalls(UpdateAliasCommand)[1]?.args[0].input).toMatchObject({
      FunctionVersion: '1',
      RevisionId: 'alias-rev-2',
    });
  });

  it('says how to restore the alias by hand when rolling it back also fails', async () => {
    fakeLambda({ aliasAtStart: '1' });
    lambdaMock
      .on(GetFunctionConfigurationCommand, { FunctionName: 'prod-KatanaLambda', Qualifier: 'live' })
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    lambdaMock
      .on(UpdateAliasCommand, { FunctionVersion: '1' })
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
