/**
 * The notify bundle, run as the runner runs it, against a local HTTP receiver that stands in for
 * a Slack-compatible incoming webhook: it records what arrives, or answers 500, or never answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAction } from '@pipelines/testkit';

type Mode = 'ok' | 'error' | 'hang';

interface Receiver {
  url: string;
  received: { text: string; blocks: unknown[] }[];
  mode: Mode;
  stop(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const hanging = new Set<http.ServerResponse>();
  const receiver = { received, mode: 'ok' as Mode } as Receiver;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as Receiver['received'][number]);
      if (receiver.mode === 'hang') return void hanging.add(res);
      res.writeHead(receiver.mode === 'ok' ? 200 : 500, { 'content-type': 'text/plain' });
      res.end(receiver.mode === 'ok' ? 'ok' : 'internal_error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/services/T000/B000/secret-part`;
  receiver.stop = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}

const NOTES =
  '### Release candidate for prod: waiting for approval\n\n#### What changes\n\n- `1234567` Fix the health check (bob)';

describe('notify (dist bundle)', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.stop());

  const notify = (inputs: Record<string, string>) =>
    runAction({
      action: 'actions/notify',
      inputs: {
        'webhook-url': receiver.url,
        environment: 'prod',
        commit: 'b'.repeat(40),
        ref: 'master',
        repository: 'example/pipelines',
        'run-url': 'https://github.com/example/pipelines/actions/runs/42',
        'timeout-seconds': '1',
        ...inputs,
      },
    });
  const needs = (results: Record<string, string>) =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries(results).map(([job, result]) => [job, { result, outputs: {} }]),
      ),
    );

  it('delivers the three messages: waiting for approval (with the notes), deployed, failed', async () => {
    const waiting = await notify({ event: 'waiting-for-approval', notes: NOTES });
    const deployed = await notify({
      event: 'run-finished',
      needs: needs({
        'test-jest': 'success',
        deploy: 'skipped',
        'deploy-with-approval': 'success',
      }),
    });
    const failed = await notify({
      event: 'run-finished',
      needs: needs({ 'test-jest': 'success', 'deploy-with-approval': 'failure' }),
    });
    for (const step of [waiting, deployed, failed]) {
      expect(step.exitCode).toBe(0);
      expect(step.outputs.sent).toBe('true');
    }
    expect(receiver.received.map((m) => m.text)).toEqual([
      'prod: bbbbbbb (master) is waiting for approval. Review it: https://github.com/example/pipelines/actions/runs/42',
      'prod: bbbbbbb (master) deployed.',
      'prod: bbbbbbb (master) failed: deploy-with-approval (failure).',
    ]);
    const approval = JSON.stringify(receiver.received[0]!.blocks);
    expect(approval).toContain('*Release candidate for prod: waiting for approval*');
    expect(approval).toContain('- `1234567` Fix the health check (bob)');
    expect(approval).toContain(
      '<https://github.com/example/pipelines/actions/runs/42|Review and approve>',
    );
  });

  it.each<[Mode, string]>([
    ['error', 'the webhook answered 500 (internal_error)'],
    ['hang', 'the webhook could not be reached: no answer within 1 s'],
  ])(
    'a receiver that answers %s does not fail the step, and the URL is never printed',
    async (mode, problem) => {
      receiver.mode = mode;
      const step = await notify({ event: 'run-finished', needs: needs({ deploy: 'success' }) });
      expect(step.exitCode).toBe(0);
      expect(step.errors).toEqual([]);
      expect(step.outputs).toMatchObject({ event: 'deployed', sent: 'false' });
      expect(step.warnings.join('\n')).toContain(
        `Could not send the deployed notification: ${problem}.`,
      );
      const printed = step.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
      expect(printed.join('\n')).not.toContain('secret-part');
      expect(step.stdout).toContain(`::add-mask::${receiver.url}`);
    },
  );

  it('sends nothing when the secret is empty', async () => {
    const step = await notify({ 'webhook-url': '', event: 'waiting-for-approval', notes: NOTES });
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ event: 'waiting', sent: 'false' });
    expect(receiver.received).toEqual([]);
  });

  it('sends nothing for a run that deploys nowhere', async () => {
    const step = await notify({
      environment: '',
      event: 'run-finished',
      needs: needs({ 'test-jest': 'failure' }),
    });
    expect(step.outputs).toMatchObject({ event: 'none', sent: 'false' });
    expect(receiver.received).toEqual([]);
  });

  it('warns, and does not fail, on an input it cannot read', async () => {
    const step = await notify({ event: 'run-finished', needs: 'not json' });
    expect(step.exitCode).toBe(0);
    expect(step.warnings.join('\n')).toContain(
      'Could not send the deploy notification: the needs input is not JSON',
    );
  });
});
