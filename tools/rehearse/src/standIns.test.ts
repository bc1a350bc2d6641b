import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { actionsToStandIn, standInRepositories, standInsRoot } from './standIns';

// A repository on disk: the local composite actions are read from their action.yml.
let repo: string;
beforeEach(() => {
  repo = mkdtempSync(path.join(os.tmpdir(), 'stand-ins-'));
  mkdirSync(path.join(repo, '.github/actions/setup'), { recursive: true });
  writeFileSync(
    path.join(repo, '.github/actions/setup/action.yml'),
    [
      'runs:',
      '  using: composite',
      '  steps:',
      '    - uses: pnpm/action-setup@a7487c7e89a18df4991f7f222e4898a00d66ddda',
      '    - uses: ./.github/actions/setup',
    ].join('\n'),
  );
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

const workflow = (...uses: string[]) =>
  ['on: push', 'jobs:', '  build:', '    steps:', ...uses.map((u) => `      - uses: ${u}`)].join(
    '\n',
  );

describe('actionsToStandIn', () => {
  it('finds the remote actions of the workflow and of its local composite actions, each once', () => {
    const uses = actionsToStandIn(
      repo,
      workflow(
        'aws-actions/configure-aws-credentials@a03048d87541d1d9fcf2ecf528a4a65ba9bd7838',
        './.github/actions/setup',
        './.github/actions/setup',
      ),
    );
    expect(uses.map((u) => u.repository).sort()).toEqual([
      'aws-actions/configure-aws-credentials',
      'pnpm/action-setup',
    ]);
  });

  it('leaves actions/checkout to act, which copies the checkout itself', () => {
    expect(
      actionsToStandIn(repo, workflow('actions/checkout@1af3b93b6815bc44a9784bd300feb67ff0d1eeb3')),
    ).toEqual([]);
  });
});

describe('standInRepositories', () => {
  it('points act at the stand-in of each remote action', () => {
    const [local] = standInRepositories(repo, workflow('actions/upload-artifact@v5'));
    expect(local?.use.uses).toBe('actions/upload-artifact@v5');
    expect(local?.folder).toBe(path.join(standInsRoot, 'actions/upload-artifact'));
  });

  it('fails before act starts, naming each action without a stand-in and where to add one', () => {
    expect(() =>
      standInRepositories(repo, workflow('example/deploy@v1', 'actions/upload-artifact@v5')),
    ).toThrow(
      'No local stand-in for example/deploy@v1: act cannot fetch actions offline. Add one under tools/rehearse/stand-ins/<owner>/<repo>/action.yml.',
    );
  });
});
