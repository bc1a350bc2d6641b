import { parse } from 'yaml';
import { heldJobs, remoteUses, workflowForAct, workflowJobs } from './workflow';

const workflow = `
on: push
jobs:
  resolve: { runs-on: ubuntu-latest, steps: [{ uses: 'actions/checkout@1af3b93b6815bc44a9784bd300feb67ff0d1eeb3' }] }
  upload:
    needs: resolve
    environment: { name: mint, deployment: false }
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@a03048d87541d1d9fcf2ecf528a4a65ba9bd7838 # v5.0.0
      - uses: ./actions/s3-upload
  deploy:
    needs: [resolve, upload]
    environment: mint
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
  deploy-with-approval:
    needs: [resolve, upload]
    environment: { name: prod, url: 'https://example' }
    runs-on: ubuntu-latest
    steps: [{ uses: 'actions/upload-artifact/merge@v5' }]
  summary:
    needs: [deploy, deploy-with-approval]
    if: always()
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
`;

describe('the workflow as the rehearsal reads it', () => {
  it('lists jobs with their needs and declared environment', () => {
    expect(workflowJobs(workflow).map((j) => [j.id, j.needs, j.environment])).toEqual([
      ['resolve', [], undefined],
      ['upload', ['resolve'], 'mint'],
      ['deploy', ['resolve', 'upload'], 'mint'],
      ['deploy-with-approval', ['resolve', 'upload'], 'prod'],
      ['summary', ['deploy', 'deploy-with-approval'], undefined],
    ]);
  });

  it('holds the job in the approval environment and every job that needs it', () => {
    expect(heldJobs(workflowJobs(workflow), ['prod'])).toEqual(['deploy-with-approval', 'summary']);
    expect(heldJobs(workflowJobs(workflow), [])).toEqual([]);
  });

  it('gives act the same workflow without the held jobs and without environment.deployment', () => {
    const forAct = parse(workflowForAct(workflow, ['deploy-with-approval', 'summary']));
    expect(Object.keys(forAct.jobs)).toEqual(['resolve', 'upload', 'deploy']);
    expect(forAct.jobs.upload.environment).toEqual({ name: 'mint' });
    expect(forAct.jobs.upload.steps[1]).toEqual({ uses: './actions/s3-upload' });
  });

  it('finds every third-party action with its pinned ref (what --local-repository maps)', () => {
    expect(remoteUses(workflow).map((u) => `${u.repository}@${u.ref}`)).toEqual([
      'actions/checkout@1af3b93b6815bc44a9784bd300feb67ff0d1eeb3',
      'aws-actions/configure-aws-credentials@a03048d87541d1d9fcf2ecf528a4a65ba9bd7838',
      'actions/upload-artifact@v5',
    ]);
  });
});
