import { addRun, classify, emptyTally, sumTallies, type RunFacts } from './outcome';
import { faultTable, readBlock, replaceBlock } from './figures';
import { faultFor, FAULT_KINDS, planFor, seedOf, shapesFor } from './plans';

const facts = (over: Partial<RunFacts>): RunFacts => ({
  exitCode: 0,
  errors: [],
  successProblems: [],
  failureProblems: [],
  failingFaults: 0,
  ...over,
});

describe('classify', () => {
  it.each([
    ['a success with the right result', facts({}), 'succeeded'],
    ['a success with wrong bytes', facts({ successProblems: ['wrong sha'] }), 'wrong'],
    ['a success that also printed an error', facts({ errors: ['x'] }), 'wrong'],
    [
      'a failure with an error and nothing left behind',
      facts({ exitCode: 1, errors: ['x'] }),
      'failed-cleanly',
    ],
    ['a failure without an error', facts({ exitCode: 1 }), 'wrong'],
    [
      'a failure that left an orphan upload',
      facts({ exitCode: 1, errors: ['x'], failureProblems: ['orphan'] }),
      'wrong',
    ],
  ])('%s is %s', (_name, f, outcome) => {
    expect(classify(f).outcome).toBe(outcome);
  });
});

describe('tally', () => {
  it('counts a success after failing faults as retried, and sums', () => {
    let t = emptyTally();
    t = addRun(t, facts({ failingFaults: 2 }), 'succeeded');
    t = addRun(t, facts({ exitCode: 1, errors: ['x'], failingFaults: 6 }), 'failed-cleanly');
    t = addRun(t, facts({}), 'succeeded');
    expect(t).toEqual({
      runs: 3,
      retried: 1,
      succeeded: 2,
      failedCleanly: 1,
      wrong: 0,
      faultsInjected: 8,
    });
    expect(sumTallies([t, t]).runs).toBe(6);
  });
});

describe('figures', () => {
  it("replaces only the text between a block's markers, and refuses a page without them", () => {
    const page = 'a\n<!-- BEGIN x -->\nold\n<!-- END x -->\nb\n';
    const next = replaceBlock(page, 'x', 'new');
    expect(next).toBe('a\n<!-- BEGIN x -->\nnew\n<!-- END x -->\nb\n');
    expect(readBlock(next, 'x')).toBe('new');
    expect(() => replaceBlock('a', 'x', 'new')).toThrow(/no <!-- BEGIN x -->/);
  });

  it('renders a table with a total row', () => {
    const t = addRun(emptyTally(), facts({}), 'succeeded');
    expect(faultTable([{ action: 's3-upload', fault: 'reset', tally: t }], t)).toContain(
      '| s3-upload | reset | 1 | 0 | 0 | 1 | 0 | 0 |',
    );
  });
});

describe('plans', () => {
  it('give every fault kind a fault for every target', () => {
    for (const kind of FAULT_KINDS) {
      for (const target of ['s3', 'lambda', 'ecr-api', 'registry'] as const) {
        expect(faultFor(kind, target).kind).toBeDefined();
      }
    }
    expect(faultFor('slowdown-503', 's3')).toMatchObject({
      status: 503,
      headers: { 'retry-after': '1' },
    });
    expect(faultFor('throttle-429', 'lambda')).toMatchObject({ status: 429 });
  });

  it('are reproducible: the same seed faults the same requests', () => {
    const pick = (seed: number) => {
      const [shape] = shapesFor(seed);
      const plan = planFor({ kind: 'reset' }, shape!, seed);
      return Array.from(
        { length: 40 },
        (_, n) => plan({ n, method: 'GET', path: '/', headers: {} })?.kind ?? '-',
      );
    };
    expect(pick(seedOf('a'))).toEqual(pick(seedOf('a')));
    expect(pick(seedOf('a'))).not.toEqual(pick(seedOf('b')));
  });

  it('make a burst: a run of consecutive faults after the first requests, then healthy again', () => {
    const plan = planFor({ kind: 'reset' }, { shape: 'burst', after: 2, length: 3 }, 1);
    const kinds = Array.from(
      { length: 7 },
      (_, n) => plan({ n, method: 'GET', path: '/', headers: {} })?.kind ?? '-',
    );
    expect(kinds).toEqual(['-', '-', 'reset', 'reset', 'reset', '-', '-']);
  });
});
