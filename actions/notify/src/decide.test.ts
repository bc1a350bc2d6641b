import { eventOf, messageFor, outcomeOf, sections, toMrkdwn } from './decide';

const run = {
  environment: 'prod',
  commit: 'b'.repeat(40),
  ref: 'master',
  runUrl: 'https://github.com/example/pipelines/actions/runs/42',
  repository: 'example/pipelines',
};

describe('outcomeOf', () => {
  it.each<[string, Record<string, { result: string }>, unknown]>([
    [
      'a deploy that succeeded',
      { deploy: { result: 'success' }, 'deploy-with-approval': { result: 'skipped' } },
      { kind: 'deployed' },
    ],
    [
      'an approved deploy that succeeded',
      { deploy: { result: 'skipped' }, 'deploy-with-approval': { result: 'success' } },
      { kind: 'deployed' },
    ],
    [
      'a failed job, named',
      {
        'test-jest': { result: 'failure' },
        build: { result: 'skipped' },
        deploy: { result: 'skipped' },
      },
      { kind: 'failed', jobs: [{ name: 'test-jest', result: 'failure' }] },
    ],
    [
      'a cancelled deploy',
      { deploy: { result: 'cancelled' } },
      { kind: 'failed', jobs: [{ name: 'deploy', result: 'cancelled' }] },
    ],
    [
      'a run that deployed nothing and failed nothing',
      { deploy: { result: 'skipped' } },
      undefined,
    ],
  ])('%s', (_case, needs, outcome) => {
    expect(outcomeOf(needs)).toEqual(outcome);
  });
});

describe('toMrkdwn', () => {
  it('turns the notes into Slack mrkdwn: headings bold, links, tables as lines, code kept', () => {
    const mrkdwn = toMrkdwn(
      [
        '### Release candidate for prod',
        '',
        '- `1234567` Fix \\<b\\> \\[x\\](y) (bob) in [#12 Health check](https://github.com/e/p/pull/12)',
        '',
        '| check | result |',
        '|---|---|',
        '| jest | 40 passed |',
        '',
        '```sh',
        'gh workflow run rollback.yml --ref master',
        '```',
      ].join('\n'),
    );
    expect(mrkdwn).toBe(
      [
        '*Release candidate for prod*',
        '',
        '- `1234567` Fix &lt;b&gt; [x](y) (bob) in <https://github.com/e/p/pull/12|#12 Health check>',
        '',
        'check · result',
        'jest · 40 passed',
        '',
        '```',
        'gh workflow run rollback.yml --ref master',
        '```',
      ].join('\n'),
    );
  });

  it('cannot be made to ping a channel by a commit message', () => {
    expect(toMrkdwn('<!channel> hello')).toBe('&lt;!channel&gt; hello');
  });
});

describe('sections', () => {
  it('splits long notes at line ends into Slack-sized sections', () => {
    const text = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const parts = sections(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(3000);
    expect(parts.join('\n')).toBe(text);
  });
});

describe('messageFor', () => {
  it('asks for approval with the notes and the approval link', () => {
    const message = messageFor(
      { kind: 'waiting', notes: '### Release candidate for prod\n\n2 commits' },
      run,
    );
    expect(message.text).toBe(
      'prod: bbbbbbb (master) is waiting for approval. Review it: https://github.com/example/pipelines/actions/runs/42',
    );
    expect(JSON.stringify(message.blocks)).toContain('*Release candidate for prod*\\n\\n2 commits');
    expect(message.blocks).toContainEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Review and approve' },
          url: run.runUrl,
        },
      ],
    });
  });

  it('says deployed', () => {
    expect(messageFor({ kind: 'deployed' }, run).text).toBe('prod: bbbbbbb (master) deployed.');
  });

  it('says failed, naming the failed jobs', () => {
    expect(
      messageFor(
        { kind: 'failed', jobs: [{ name: 'deploy-with-approval', result: 'failure' }] },
        run,
      ).text,
    ).toBe('prod: bbbbbbb (master) failed: deploy-with-approval (failure).');
  });
});

describe('eventOf', () => {
  const finished = { environment: 'prod', event: 'run-finished' as const, notes: undefined };

  it('tells nothing for a run that deploys nowhere', () => {
    expect(eventOf({ ...finished, environment: undefined, needs: '{}' })).toBeUndefined();
  });

  it('tells a wait for approval with its notes, without reading needs', () => {
    expect(
      eventOf({ ...finished, event: 'waiting-for-approval', notes: 'n', needs: undefined }),
    ).toEqual({ kind: 'waiting', notes: 'n' });
  });

  it('tells the outcome of the jobs in needs', () => {
    expect(eventOf({ ...finished, needs: '{"deploy":{"result":"success"}}' })).toEqual(
      outcomeOf({ deploy: { result: 'success' } }),
    );
  });

  it.each([
    ['not JSON', 'the needs input is not JSON'],
    ['null', 'the needs input is not an object'],
  ])('refuses needs that are %s', (needs, message) => {
    expect(() => eventOf({ ...finished, needs })).toThrow(message);
  });
});
