import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';
import {
  checkParameters,
  PLUGIN_OUTPUT_LIMIT,
  STANDARD_OUTPUT_LIMIT,
  startSsmRunCommand,
  substituteParameters,
  testHostInstance,
  type ManagedInstance,
  type SsmRunCommand,
} from './ssmRunCommand';

const DOCUMENT = JSON.parse(
  readFileSync(path.join(repoRoot, 'services', 'lib', 'deploy-document.json'), 'utf8'),
) as Parameters<typeof checkParameters>[0];
const SHA = 'a'.repeat(64);
const ARTIFACT = 's3://artifacts/mint/releases/blog-site.tar.gz?versionId=v1';

/** An instance that records the scripts it ran and answers with `answer`. */
function instance(
  instanceId: string,
  tags: Record<string, string>,
  answer: (script: string) => { code: number; stdout: string; stderr: string },
): ManagedInstance & { ran: string[] } {
  const ran: string[] = [];
  return {
    instanceId,
    tags,
    ran,
    run: async (script) => {
      ran.push(script);
      return answer(script);
    },
  };
}

// SSM's JSON answers, read loosely: the fields each test looks at are asserted.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = Record<string, any>;

async function call(ssm: SsmRunCommand, operation: string, body: unknown) {
  const response = await fetch(ssm.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonSSM.${operation}`,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

async function finished(ssm: SsmRunCommand, commandId: string) {
  for (;;) {
    const { body } = await call(ssm, 'ListCommands', { CommandId: commandId });
    if (['Success', 'Failed'].includes(body.Commands[0].Status)) return body.Commands[0];
    await new Promise((r) => setTimeout(r, 10));
  }
}

const send = (parameters: Record<string, string[]>, service = 'blog') => ({
  DocumentName: 'pipelines-deploy',
  Targets: [
    { Key: 'tag:pipelines:environment', Values: ['mint'] },
    { Key: 'tag:pipelines:service', Values: [service] },
  ],
  Parameters: parameters,
  MaxConcurrency: '1',
  MaxErrors: '0',
});

describe('the SSM Run Command stand-in', () => {
  let ssm: SsmRunCommand;
  afterEach(() => ssm?.stop());

  it('runs the document with its parameters on the instances both tags select, and reports each', async () => {
    const blog = instance(
      'i-0000000000000000a',
      { 'pipelines:environment': 'mint', 'pipelines:service': 'blog' },
      () => ({ code: 0, stdout: 'deployed\n', stderr: '' }),
    );
    const otherEnvironment = instance(
      'i-0000000000000000b',
      { 'pipelines:environment': 'prod', 'pipelines:service': 'blog' },
      () => ({ code: 0, stdout: '', stderr: '' }),
    );
    const proxy = instance(
      'i-0000000000000000c',
      { 'pipelines:environment': 'mint', 'pipelines:service': 'proxy' },
      () => ({ code: 0, stdout: '', stderr: '' }),
    );
    ssm = await startSsmRunCommand({
      instances: [blog, otherEnvironment, proxy],
      documents: { 'pipelines-deploy': DOCUMENT },
    });
    const sent = await call(
      ssm,
      'SendCommand',
      send({ service: ['blog'], artifact: [ARTIFACT], sha256: [SHA] }),
    );
    expect(sent.status).toBe(200);
    const command = await finished(ssm, sent.body.Command.CommandId);
    expect(command).toMatchObject({ Status: 'Success', TargetCount: 1, ErrorCount: 0 });
    expect(blog.ran).toHaveLength(1);
    expect(blog.ran[0]).toContain(`exec bash /opt/pipelines/blog/deploy.sh '${ARTIFACT}' ${SHA}`);
    expect(otherEnvironment.ran).toEqual([]);
    expect(proxy.ran).toEqual([]);
    const listed = await call(ssm, 'ListCommandInvocations', {
      CommandId: command.CommandId,
      Details: true,
    });
    expect(listed.body.CommandInvocations).toEqual([
      expect.objectContaining({
        InstanceId: 'i-0000000000000000a',
        Status: 'Success',
        CommandPlugins: [expect.objectContaining({ ResponseCode: 0, Output: 'deployed\n' })],
      }),
    ]);
  });

  it('refuses parameters the document does not allow, as InvalidParameters, and runs nothing', async () => {
    const blog = instance(
      'i-0000000000000000a',
      { 'pipelines:environment': 'mint', 'pipelines:service': 'blog' },
      () => ({ code: 0, stdout: '', stderr: '' }),
    );
    ssm = await startSsmRunCommand({
      instances: [blog],
      documents: { 'pipelines-deploy': DOCUMENT },
    });
    const cases: Record<string, string[]>[] = [
      { service: ['db'], artifact: [ARTIFACT] },
      { service: ['blog'], artifact: ["s3://artifacts/x?versionId=v1' ; rm -rf / '"] },
      { service: ['blog'], artifact: [ARTIFACT], sha256: ['F'.repeat(64)] },
      { service: ['blog'] },
      { service: ['blog'], artifact: [ARTIFACT], extra: ['x'] },
    ];
    for (const parameters of cases) {
      const answer = await call(ssm, 'SendCommand', send(parameters));
      expect({ parameters, status: answer.status, type: answer.body.__type }).toEqual({
        parameters,
        status: 400,
        type: 'InvalidParameters',
      });
    }
    expect(ssm.commands).toEqual([]);
    expect(blog.ran).toEqual([]);
  });

  it('accepts an image by digest without a sha256 (its default is empty)', () => {
    const image = `123456789012.dkr.ecr.us-east-1.amazonaws.com/pipelines/fulcrum@sha256:${SHA}`;
    expect(checkParameters(DOCUMENT, { service: ['fulcrum'], artifact: [image] })).toEqual({
      service: ['fulcrum'],
      artifact: [image],
      sha256: [''],
    });
    expect(
      substituteParameters("deploy.sh '{{ artifact }}' {{sha256}}", {
        artifact: [image],
        sha256: [''],
      }),
    ).toBe(`deploy.sh '${image}' `);
  });

  it('stops after the first failure with MaxErrors 0: the instances not started are Cancelled', async () => {
    const tags = { 'pipelines:environment': 'mint', 'pipelines:service': 'blog' };
    const first = instance('i-0000000000000000a', tags, () => ({
      code: 1,
      stdout: 'x'.repeat(30_000),
      stderr: 'rolled back\n',
    }));
    const second = instance('i-0000000000000000b', tags, () => ({
      code: 0,
      stdout: '',
      stderr: '',
    }));
    ssm = await startSsmRunCommand({
      instances: [first, second],
      documents: { 'pipelines-deploy': DOCUMENT },
    });
    const sent = await call(
      ssm,
      'SendCommand',
      send({ service: ['blog'], artifact: [ARTIFACT], sha256: [SHA] }),
    );
    const command = await finished(ssm, sent.body.Command.CommandId);
    expect(command).toMatchObject({ Status: 'Failed', ErrorCount: 1 });
    expect(second.ran).toEqual([]);
    const listed = await call(ssm, 'ListCommandInvocations', {
      CommandId: command.CommandId,
      Details: true,
    });
    expect(listed.body.CommandInvocations.map((i: { Status: string }) => i.Status)).toEqual([
      'Failed',
      'Cancelled',
    ]);
    expect(listed.body.CommandInvocations[0].CommandPlugins[0].Output).toHaveLength(
      PLUGIN_OUTPUT_LIMIT,
    );
    const one = await call(ssm, 'GetCommandInvocation', {
      CommandId: command.CommandId,
      InstanceId: 'i-0000000000000000a',
    });
    expect(one.body).toMatchObject({
      Status: 'Failed',
      ResponseCode: 1,
      StandardErrorContent: 'rolled back\n',
    });
    expect(one.body.StandardOutputContent).toHaveLength(STANDARD_OUTPUT_LIMIT);
  });

  it('accepts a command that reaches no instance: it succeeds with TargetCount 0', async () => {
    ssm = await startSsmRunCommand({ documents: { 'pipelines-deploy': DOCUMENT } });
    const sent = await call(
      ssm,
      'SendCommand',
      send({ service: ['blog'], artifact: [ARTIFACT], sha256: [SHA] }),
    );
    expect(await finished(ssm, sent.body.Command.CommandId)).toMatchObject({
      Status: 'Success',
      TargetCount: 0,
    });
  });

  it('runs a test host script after exporting the agent environment', async () => {
    const commands: string[] = [];
    const host = {
      exec: async (command: string) => (
        commands.push(command),
        { code: 0, stdout: '', stderr: '' }
      ),
    };
    await testHostInstance(
      host,
      'i-0000000000000000a',
      {},
      { AWS_REGION: 'us-east-1', X: "it's" },
    ).run('echo hi');
    expect(commands).toEqual([`export AWS_REGION='us-east-1'\nexport X='it'"'"'s'\necho hi`]);
  });
});
