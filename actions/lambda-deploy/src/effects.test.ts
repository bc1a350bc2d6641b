/**
 * What moto cannot show (it ignores S3ObjectVersion, has no RevisionId, its functions never sit
 * InProgress, and it does not validate S3 checksums): the parameters sent, the waits and retries,
 * and the restore after an update that loaded other code, with the SDK mocked at its boundary.
 * Everything else is tested against moto in test/.
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
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sha256HexToBase64 } from '@pipelines/action-kit';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { deploy } from './effects';
import type { Inputs } from './inputs';

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
// The package running before the deploy (published as version 1 from S3 version v-previous),
// the approved package, and bytes planted under the key.
const BYTES = {
  old: Buffer.from('the previous package'),
  new: Buffer.from('the approved package'),
  planted: Buffer.from('planted by a writer'),
};
const OLD = sha256Hex(BYTES.old);
const NEW = sha256Hex(BYTES.new);
const B64 = {
  old: sha256HexToBase64(OLD),
  new: sha256HexToBase64(NEW),
  planted: sha256HexToBase64(sha256Hex(BYTES.planted)),
};
const OLD_SOURCE = 'code from s3://artifacts-upper/prod/katana-lambda.zip?versionId=v-previous';

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
const s3Mock = mockClient(S3Client);
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
    s3: new S3Client({ region: 'us-east-1' }),
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
  /** The code an S3 update loads (base64 sha256): the package unless told otherwise. */
  updateLoads?: string;
  /** Version 1's description (the S3 source this action records when it publishes). */
  version1Description?: string;
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
  const versions = new Map<string, { code: string; description?: string }>([
    ['1', { code: B64.old, description: options.version1Description ?? OLD_SOURCE }],
  ]);
  let changedSincePublish = code !== B64.old;
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
      return { CodeSha256: versions.get(alias.version)?.code, State: 'Active' };
    }
    if (input.Qualifier) {
      const version = versions.get(input.Qualifier);
      if (!version) throw notFound('Version');
      return { CodeSha256: version.code, Description: version.description, FunctionArn: 'arn:fn' };
    }
    const answer = config();
    if (busy > 0 && !options.updateHangs) busy -= 1;
    return answer;
  });
  lambdaMock.on(UpdateFunctionCodeCommand).callsFake((input: { ZipFile?: Uint8Array }) => {
    if (conflicts > 0) {
      conflicts -= 1;
      throw conflict();
    }
    code = input.ZipFile
      ? sha256HexToBase64(sha256Hex(input.ZipFile))
      : (options.updateLoads ?? B64.new);
    changedSincePublish = true;
    revision += 1;
    busy = options.updateHangs ? 1 : (options.busyAfterUpdate ?? 0);
    failed = options.updateFailsWith;
    return { LastUpdateStatus: 'InProgress' };
  });
  // As Lambda: nothing changed since the newest version was published, that version is returned.
  lambdaMock.on(PublishVersionCommand).callsFake((input: { Description?: string }) => {
    if (!changedSincePublish) {
      const newest = String(versions.size);
      const { code: same, description } = versions.get(newest) ?? { code };
      return {
        Version: newest,
        CodeSha256: same,
        Description: description,
        FunctionArn: `arn:fn:${newest}`,
      };
    }
    const version = String(versions.size + 1);
    versions.set(version, { code, description: input.Description });
    changedSincePublish = false;
    return {
      Version: version,
      CodeSha256: code,
      Description: input.Description,
      FunctionArn: `arn:fn:${version}`,
    };
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

/**
 * The bucket: v-approved holds the package, v-planted other bytes, v-previous the code running
 * before. `checksums` says whether S3 has a full-object SHA-256 of them (a single PUT) or not
 * (multipart: composite only, so the deploy must hash the bytes).
 */
function fakeBucket(checksums: 'full-object' | 'composite' = 'full-object') {
  const objects: Record<string, Buffer> = {
    'v-approved': BYTES.new,
    'v-planted': BYTES.planted,
    'v-previous': BYTES.old,
  };
  s3Mock.on(HeadObjectCommand).callsFake((input: { VersionId: string }) => ({
    VersionId: input.VersionId,
    Metadata: { sha256: NEW }, // what a writer claims: never read
    ChecksumSHA256:
      checksums === 'full-object'
        ? createHash('sha256')
            .update(objects[input.VersionId] ?? '')
            .digest('base64')
        : 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=-2',
  }));
  s3Mock.on(GetObjectCommand).callsFake((input: { VersionId: string }) => ({
    Body: Readable.from([objects[input.VersionId] ?? Buffer.alloc(0)]),
  }));
}

/** The Lambda commands sent, by name, in order. */
const sent = () => lambdaMock.calls().map((call) => call.args[0].constructor.name);
/** Versions published of the package (not the save of the running code before the update). */
const packagePublishes = () =>
  lambdaMock.commandCalls(PublishVersionCommand, { CodeSha256: B64.new }).length;
/** The Lambda commands that change something. */
const writes = () => sent().filter((name) => !/^Get/.test(name));

beforeEach(() => {
  lambdaMock.reset();
  s3Mock.reset();
  fakeBucket();
});

const noAlias: Inputs = { ...inputs, publish: false, alias: undefined };

describe('deploy (calls made)', () => {
  it('deploys a ready function: read, keep the running code as a version, update from S3, read back', async () => {
    fakeLambda();
    const result = await deploy(harness().ctx, noAlias, NEW);
    expect(sent()).toEqual([
      'GetFunctionConfigurationCommand',
      'PublishVersionCommand',
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
      'PublishVersionCommand',
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

  it("publishes only if the code is the package's (CodeSha256 in base64) and unchanged since the update (RevisionId), recording the S3 version", async () => {
    fakeLambda({ aliasAtStart: '1' });
    await deploy(harness().ctx, inputs, NEW);
    expect(lambdaMock.commandCalls(PublishVersionCommand)[1]?.args[0].input).toEqual({
      FunctionName: 'prod-KatanaLambda',
      CodeSha256: B64.new,
      RevisionId: 'fn-rev-2',
      Description: 'code from s3://artifacts-upper/prod/katana-lambda.zip?versionId=v-approved',
    });
  });

  it('keeps the running code as a version before updating, conditionally on what it read', async () => {
    fakeLambda({ aliasAtStart: '1' });
    await deploy(harness().ctx, inputs, NEW);
    expect(lambdaMock.commandCalls(PublishVersionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'prod-KatanaLambda',
      CodeSha256: B64.old,
      RevisionId: 'fn-rev-1',
    });
  });

  it('publishes a re-run with the RevisionId of its only read', async () => {
    fakeLambda({ codeAtStart: B64.new, aliasAtStart: '1' });
    await deploy(harness().ctx, inputs, NEW);
    expect(lambdaMock.commandCalls(UpdateFunctionCodeCommand)).toHaveLength(0);
    expect(lambdaMock.commandCalls(PublishVersionCommand)[0]?.args[0].input).toMatchObject({
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

  it('after an update that loaded other code (as moto, loading the latest object): restores the saved code from its S3 version, publishes nothing, leaves the alias', async () => {
    fakeLambda({ aliasAtStart: '1', updateLoads: B64.planted });
    const error = String(await deploy(harness().ctx, inputs, NEW).catch((e: unknown) => e));
    expect(error).toContain(`but the package's sha256 is ${NEW}`);
    expect(error).toContain(`$LATEST was restored to the code of version 1 (sha256 ${OLD})`);
    // The restore sends the saved version's bytes, read from its exact S3 version.
    expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'artifacts-upper',
      Key: 'prod/katana-lambda.zip',
      VersionId: 'v-previous',
    });
    const updates = lambdaMock.commandCalls(UpdateFunctionCodeCommand);
    expect(updates[1]?.args[0].input.ZipFile).toEqual(BYTES.old);
    const latest = await harness().ctx.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'prod-KatanaLambda' }),
    );
    expect(latest.CodeSha256).toBe(B64.old);
    expect(lambdaMock.commandCalls(PublishVersionCommand)).toHaveLength(1); // the save only
    expect(lambdaMock.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });

  it('says how to restore by hand when the saved version records no S3 source', async () => {
    fakeLambda({ aliasAtStart: '1', updateLoads: B64.planted, version1Description: '' });
    const error = String(await deploy(harness().ctx, inputs, NEW).catch((e: unknown) => e));
    expect(error).toContain('restoring $LATEST to the code of version 1 ALSO failed');
    expect(error).toContain(
      'aws lambda get-function --function-name prod-KatanaLambda --qualifier 1 --query Code.Location --output text',
    );
    expect(lambdaMock.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });
});

describe('deploy (verifying the package before changing anything)', () => {
  it("refuses an object version whose bytes S3's checksum says are not the package: no Lambda write at all", async () => {
    fakeLambda({ aliasAtStart: '1' });
    const planted: Inputs = {
      ...inputs,
      source: {
        kind: 's3',
        bucket: 'artifacts-upper',
        key: 'prod/katana-lambda.zip',
        version: 'v-planted',
      },
    };
    const error = String(await deploy(harness().ctx, planted, NEW).catch((e: unknown) => e));
    expect(error).toContain(`not expected-sha256 ${NEW}`);
    expect(error).toContain('Nothing was changed');
    expect(writes()).toEqual([]);
    expect(s3Mock.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'artifacts-upper',
      Key: 'prod/katana-lambda.zip',
      VersionId: 'v-planted',
      ChecksumMode: 'ENABLED',
    });
  });

  it.each([
    ['v-approved', true],
    ['v-planted', false],
  ])(
    'hashes the bytes of a multipart version (composite checksum only): %s deploys: %s',
    async (version, deploys) => {
      fakeBucket('composite');
      fakeLambda({ aliasAtStart: '1' });
      const source = {
        kind: 's3' as const,
        bucket: 'artifacts-upper',
        key: 'prod/katana-lambda.zip',
        version,
      };
      const outcome = await deploy(harness().ctx, { ...inputs, source }, NEW).then(
        () => 'deployed',
        (e: unknown) => String(e),
      );
      expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input.VersionId).toBe(version);
      if (deploys) expect(outcome).toBe('deployed');
      else {
        expect(outcome).toContain('hashed from its bytes');
        expect(writes()).toEqual([]);
      }
    },
  );
});

describe('deploy (roll-back to a published version)', () => {
  const rollBack = (expected: string): Promise<unknown> =>
    deploy(harness().ctx, { ...inputs, source: { kind: 'version', version: '1' } }, expected);

  it("points the alias at the version after checking its code's sha256, leaving $LATEST alone", async () => {
    fakeLambda({ aliasAtStart: '2', codeAtStart: B64.new });
    await expect(rollBack(OLD)).resolves.toMatchObject({ version: '1', previousVersion: '2' });
    expect(writes()).toEqual(['UpdateAliasCommand']);
    expect(lambdaMock.commandCalls(UpdateAliasCommand)[0]?.args[0].input).toMatchObject({
      FunctionVersion: '1',
      RevisionId: 'alias-rev-1',
    });
  });

  it('refuses a version whose code is not the expected sha256, changing nothing', async () => {
    fakeLambda({ aliasAtStart: '2', codeAtStart: B64.new });
    await expect(rollBack(NEW)).rejects.toThrow('Nothing was changed');
    expect(writes()).toEqual([]);
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
    expect(packagePublishes()).toBe(1);
  });

  it('waits while LastUpdateStatus is InProgress, then verifies the code', async () => {
    fakeLambda({ busyAfterUpdate: 2, aliasAtStart: '1' });
    const { ctx, sleeps } = harness();
    await deploy(ctx, inputs, NEW);
    expect(sleeps).toHaveLength(2);
    expect(packagePublishes()).toBe(1);
  });

  it('gives up at the timeout when the update never finishes, publishing nothing', async () => {
    fakeLambda({ updateHangs: true, aliasAtStart: '1' });
    const { ctx, sleeps } = harness();
    await expect(deploy(ctx, inputs, NEW)).rejects.toThrow(
      /timed out.*LastUpdateStatus is InProgress/,
    );
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000);
    expect(packagePublishes()).toBe(0);
  });

  it("reports a failed update with Lambda's reason and publishes nothing", async () => {
    fakeLambda({
      updateFailsWith: 'Unzipped size must be smaller than 262144000 bytes',
      aliasAtStart: '1',
    });
    await expect(deploy(harness().ctx, inputs, NEW)).rejects.toThrow(
      'Unzipped size must be smaller',
    );
    expect(packagePublishes()).toBe(0);
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
