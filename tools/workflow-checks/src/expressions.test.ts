import { callsStatusFunction, jobCondition, renderTemplate, type Scope } from './expressions';

const scope = (
  outputs: Record<string, string>,
  needsResults: Scope['needsResults'] = ['success'],
): Scope => ({
  contexts: {
    needs: { resolve: { result: 'success', outputs } },
    github: { ref: 'refs/heads/main' },
  },
  needsResults,
});

describe('job conditions', () => {
  test('compare resolve outputs as strings, case-insensitively like GitHub', () => {
    expect(jobCondition("needs.resolve.outputs.deploy == 'true'", scope({ deploy: 'true' }))).toBe(
      true,
    );
    expect(jobCondition("needs.resolve.outputs.deploy == 'TRUE'", scope({ deploy: 'true' }))).toBe(
      true,
    );
    expect(jobCondition("needs.resolve.outputs.deploy == 'true'", scope({ deploy: 'false' }))).toBe(
      false,
    );
  });

  test('a missing output is empty, not an error', () => {
    expect(jobCondition("needs.resolve.outputs.nope != 'true'", scope({}))).toBe(true);
  });

  test('accept the optional ${{ }} wrapper', () => {
    expect(
      jobCondition("${{ needs.resolve.outputs.deploy == 'true' }}", scope({ deploy: 'true' })),
    ).toBe(true);
  });

  test('without a status function, a skipped need skips the job (implicit success())', () => {
    expect(jobCondition(undefined, scope({}, ['skipped']))).toBe(false);
    expect(jobCondition("'a' == 'a'", scope({}, ['success', 'skipped']))).toBe(false);
    expect(jobCondition(undefined, scope({}, []))).toBe(true);
  });

  test('always() and !cancelled() run after skipped or failed needs', () => {
    expect(jobCondition('always()', scope({}, ['skipped', 'failure']))).toBe(true);
    expect(jobCondition('!cancelled()', scope({}, ['skipped']))).toBe(true);
    expect(jobCondition('failure()', scope({}, ['success', 'failure']))).toBe(true);
    expect(jobCondition('failure()', scope({}, ['success']))).toBe(false);
  });

  test('status functions are recognised as calls, not inside strings', () => {
    expect(callsStatusFunction("always() && x == 'y'")).toBe(true);
    expect(callsStatusFunction("x == 'always()'")).toBe(false);
    expect(callsStatusFunction('Success ()')).toBe(true);
  });
});

describe('templates', () => {
  test('render each ${{ }} part, including format() and the && || idiom', () => {
    const s = scope({ environment: 'prod', approval: 'true' });
    expect(
      renderTemplate(
        "${{ needs.resolve.outputs.approval == 'true' && format('{0}-candidate', needs.resolve.outputs.environment) || needs.resolve.outputs.environment }}",
        s,
      ),
    ).toBe('prod-candidate');
    expect(renderTemplate('deploy-${{ needs.resolve.outputs.environment }}', s)).toBe(
      'deploy-prod',
    );
    expect(renderTemplate('prod', s)).toBe('prod');
  });
});
