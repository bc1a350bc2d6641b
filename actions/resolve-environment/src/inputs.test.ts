import path from 'node:path';
import { getInputs } from './inputs';

const workspace = path.resolve('/work/space');

describe('getInputs', () => {
  it('reads the ref and resolves the config inside the workspace, environments.yml by default', () => {
    expect(getInputs({ INPUT_REF: 'refs/tags/mint', GITHUB_WORKSPACE: workspace })).toEqual({
      ref: 'refs/tags/mint',
      config: 'environments.yml',
      configPath: path.join(workspace, 'environments.yml'),
      workspace,
    });
    expect(
      getInputs({
        INPUT_REF: 'refs/heads/x',
        INPUT_CONFIG: 'ci/envs.yml',
        GITHUB_WORKSPACE: workspace,
      }).configPath,
    ).toBe(path.join(workspace, 'ci/envs.yml'));
  });

  it.each([
    ['', /Input "ref" is required/],
    ['master', /Input "ref" is not valid \("master"\): expected a full ref/],
    ['refs/heads/a..b', /not a valid git ref name/],
    ['refs/heads/a b', /not a valid git ref name/],
    ['refs/heads/master\n', /Input "ref" has leading or trailing whitespace/],
    [' refs/heads/master', /Input "ref" has leading or trailing whitespace/],
  ])('refuses ref %j', (ref, message) => {
    expect(() => getInputs({ INPUT_REF: ref, GITHUB_WORKSPACE: workspace })).toThrow(message);
  });

  it.each(['../environments.yml', '/etc/passwd', '.', 'a/../../b.yml'])(
    'refuses config %j outside the workspace',
    (config) => {
      expect(() =>
        getInputs({ INPUT_REF: 'refs/heads/x', INPUT_CONFIG: config, GITHUB_WORKSPACE: workspace }),
      ).toThrow(/Input "config" .* is not a file inside the workspace/);
    },
  );
});
