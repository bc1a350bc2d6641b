import {
  isPipelinesDeployment,
  pipelinesPayload,
  trustedRecord,
  type RecordFacts,
  type RunFacts,
} from './deploymentRecords';

const payload = {
  pipelines: 1,
  run_id: 42,
  run_attempt: 1,
  workflow: '.github/workflows/pipeline.yml',
  commit: 'c'.repeat(40),
  package: { sha256: 'a'.repeat(64), size: 10 },
};
const record: RecordFacts = { environment: 'prod', creator: 'github-actions[bot]', payload };
const run: RunFacts = {
  path: '.github/workflows/pipeline.yml',
  headBranch: 'master',
  event: 'push',
  deploysTo: ['prod'],
};

describe('pipelinesPayload', () => {
  it('reads a payload GitHub answers as an object or as the string it was given', () => {
    expect(pipelinesPayload(payload)).toEqual(payload);
    expect(pipelinesPayload(JSON.stringify(payload))).toEqual(payload);
  });

  it.each<[string, unknown]>([
    ['an empty payload (GitHub’s own records)', {}],
    ['another version', { ...payload, pipelines: 2 }],
    ['a run id that is not a positive number', { ...payload, run_id: '42' }],
    ['a short commit', { ...payload, commit: 'abc' }],
    ['a string that is not JSON', 'deploy'],
  ])('refuses %s', (_case, raw) => {
    expect(pipelinesPayload(raw)).toBeUndefined();
  });
});

describe('trustedRecord', () => {
  it('trusts a record the workflow token wrote, with our payload, from a run that deploys there', () => {
    expect(trustedRecord(record, run)).toEqual({ trusted: true, payload });
  });

  it('checks only the record itself when the reader did not look the run up', () => {
    expect(trustedRecord(record)).toEqual({ trusted: true, payload });
  });

  it.each<[string, RecordFacts, RunFacts | null | undefined, RegExp]>([
    [
      'a record someone wrote through the API',
      { ...record, creator: 'mallory' },
      run,
      /created by mallory, not by a workflow's token/,
    ],
    ['a record without our payload', { ...record, payload: {} }, run, /not a Pipelines record/],
    ['a run GitHub does not know', record, null, /no run 42/],
    [
      'a run of another workflow',
      record,
      { ...run, path: '.github/workflows/ci.yml' },
      /ran \.github\/workflows\/ci\.yml, not \.github\/workflows\/pipeline\.yml/,
    ],
    [
      'a pull request run',
      record,
      { ...run, event: 'pull_request' },
      /a pull_request run, which never deploys/,
    ],
    [
      'a run on a ref that deploys elsewhere',
      record,
      { ...run, headBranch: 'integration', deploysTo: ['mint'] },
      /ran on integration, which does not deploy to prod/,
    ],
  ])('does not trust %s', (_case, facts, runFacts, reason) => {
    const trust = trustedRecord(facts, runFacts);
    expect(trust.trusted).toBe(false);
    expect(!trust.trusted && trust.reason).toMatch(reason);
  });
});

describe('isPipelinesDeployment: a listed deployment the readers count (release notes, report)', () => {
  const bot = { login: 'github-actions[bot]' };
  it.each<[string, { creator: { login: string } | null; payload: unknown }, boolean]>([
    ['a record of ours by the workflow token', { creator: bot, payload }, true],
    [
      'a payload GitHub returns as a string',
      { creator: bot, payload: JSON.stringify(payload) },
      true,
    ],
    ['a deployment a person created', { creator: { login: 'mallory' }, payload }, false],
    ["GitHub's own deployment for a job's environment", { creator: bot, payload: {} }, false],
    ['one without the pipelines mark', { creator: bot, payload: { run_id: 7 } }, false],
    ['another version of the payload', { creator: bot, payload: { pipelines: 2 } }, false],
    ['a payload that is not JSON', { creator: bot, payload: 'pipelines' }, false],
    ['no creator (a deleted account)', { creator: null, payload }, false],
  ])('%s: %s', (_case, deployment, trusted) => {
    expect(isPipelinesDeployment(deployment)).toBe(trusted);
  });
});
