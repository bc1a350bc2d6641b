import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { declaredInputs, inputProblems, localStepProblems } from './actionInputs';

const actionYml = `
name: demo
inputs:
  file: { description: f, required: true }
  bucket: { description: b, required: true, default: x }
  region: { description: r }
runs: { using: node24, main: dist/index.js }
`;

describe('local action inputs', () => {
  const inputs = declaredInputs(actionYml);

  test('a step passing declared inputs and every required one is fine', () => {
    expect(
      inputProblems({ where: 'j.steps[0]', uses: './a', with: { file: 'x' } }, inputs),
    ).toEqual([]);
  });

  test('an undeclared input is reported with the declared ones', () => {
    expect(
      inputProblems({ where: 'j.steps[0]', uses: './a', with: { file: 'x', fille: 'y' } }, inputs),
    ).toEqual([
      'j.steps[0] passes fille, which ./a does not declare (declared: file, bucket, region)',
    ]);
  });

  test('a required input without default must be passed; one with a default need not', () => {
    expect(inputProblems({ where: 'j.steps[0]', uses: './a', with: {} }, inputs)).toEqual([
      'j.steps[0] does not pass file, which ./a requires',
    ]);
  });

  describe('on disk', () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(path.join(os.tmpdir(), 'action-inputs-'));
      mkdirSync(path.join(root, 'actions', 'demo'), { recursive: true });
      writeFileSync(path.join(root, 'actions', 'demo', 'action.yml'), actionYml);
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    test('a local action without action.yml is a problem, not a skip', () => {
      expect(
        localStepProblems(root, [{ where: 's', uses: './actions/missing', with: {} }]),
      ).toEqual(['s uses ./actions/missing, which has no action.yml']);
    });

    test('remote actions are not checked here', () => {
      expect(
        localStepProblems(root, [{ where: 's', uses: 'actions/checkout@abc', with: { x: '1' } }]),
      ).toEqual([]);
    });

    test('local steps are checked against their action.yml', () => {
      expect(
        localStepProblems(root, [{ where: 's', uses: './actions/demo', with: { file: 'a' } }]),
      ).toEqual([]);
    });
  });
});
