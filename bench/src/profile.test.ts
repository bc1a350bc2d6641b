import { startupBreakdown, type CpuProfile } from './profile';
import { repushPhases } from './suites/ecr';

describe('where start-up goes', () => {
  it("splits a CPU profile's self time into compiling, built-ins, the bundle's code and the rest", () => {
    const frame = (functionName: string, url: string) => ({ functionName, url });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(program)', '') },
        { id: 2, callFrame: frame('wrapSafe', 'node:internal/modules/cjs/loader') },
        { id: 3, callFrame: frame('compileForInternalLoader', 'node:internal/bootstrap/realm') },
        { id: 4, callFrame: frame('parse', 'file:///repo/actions/a/dist/index.js') },
        { id: 5, callFrame: frame('chunk', 'file:///repo/actions/a/dist/613.index.js') },
        { id: 6, callFrame: frame('other', 'file:///repo/actions/b/dist/index.js') },
      ],
      // Samples of node 2 twice, the others once; deltas in microseconds.
      samples: [1, 2, 2, 3, 4, 5, 6],
      timeDeltas: [1000, 2000, 3000, 4000, 5000, 6000, 7000],
    };
    expect(startupBreakdown(profile, '/repo/actions/a/dist')).toEqual({
      compileMs: 5,
      builtinsMs: 4,
      bundleMs: 11,
      otherMs: 8,
    });
  });

  it('cuts a re-push at the first ECR API request, the first and the last registry request', () => {
    const at = (ms: number) => ({ method: 'HEAD', path: '/', at: ms });
    expect(repushPhases(300, [at(150), at(151)], [at(180), at(182)])).toEqual({
      beforeEcr: 150,
      ecr: 30,
      registry: 2,
      after: 118,
    });
  });
});
