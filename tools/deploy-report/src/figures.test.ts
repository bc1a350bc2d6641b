import {
  commitsToLookUp,
  environmentFigures,
  finalStateOf,
  historyComplete,
  outcomeOf,
  percentile,
} from './figures';
import type { DeploymentRecord, RecordStatus, StatusState } from './records';

const sha = (c: string) => c.repeat(40);
let nextId = 1;
/** A record with statuses given oldest first as [state, time] pairs. */
function record(
  createdAt: string,
  commit: string,
  statuses: [StatusState, string][],
  committedAt?: string,
): DeploymentRecord {
  const list: RecordStatus[] = statuses.map(([state, at]) => ({ state, createdAt: at }));
  return {
    id: nextId++,
    environment: 'prod',
    sha: sha(commit),
    ref: 'master',
    createdAt,
    payload: { runId: 100 + nextId, runAttempt: 1, workflow: 'pipeline', committedAt },
    statuses: list.reverse(),
  };
}

// Four weeks: 2026-11-01 to 2026-11-29.
const window = { since: '2026-11-01T00:00:00Z', until: '2026-11-29T00:00:00Z' };

/** A known history of prod: one deploy before the window, five inside, the newest failed. */
function knownHistory(): DeploymentRecord[] {
  return [
    record('2026-10-20T09:00:00Z', 'a', [
      ['in_progress', '2026-10-20T09:00:05Z'],
      ['success', '2026-10-20T09:20:00Z'],
      ['inactive', '2026-11-03T10:30:00Z'],
    ]),
    record(
      '2026-11-03T10:00:00Z',
      'b',
      [
        ['in_progress', '2026-11-03T10:00:05Z'],
        ['success', '2026-11-03T10:30:00Z'],
        ['inactive', '2026-11-17T09:45:00Z'],
      ],
      '2026-11-03T09:00:00Z',
    ),
    record(
      '2026-11-10T12:00:00Z',
      'c',
      [
        ['in_progress', '2026-11-10T12:00:05Z'],
        ['failure', '2026-11-10T12:20:00Z'],
      ],
      '2026-11-10T08:00:00Z',
    ),
    record(
      '2026-11-17T09:00:00Z',
      'd',
      [
        ['in_progress', '2026-11-17T09:00:05Z'],
        ['success', '2026-11-17T09:45:00Z'],
        ['inactive', '2026-11-24T14:10:00Z'],
      ],
      '2026-11-16T09:00:00Z',
    ),
    record(
      '2026-11-24T14:00:00Z',
      'e',
      [
        ['in_progress', '2026-11-24T14:00:05Z'],
        ['success', '2026-11-24T14:10:00Z'],
      ],
      '2026-11-24T13:50:00Z',
    ),
    record(
      '2026-11-27T08:00:00Z',
      'f',
      [
        ['in_progress', '2026-11-27T08:00:05Z'],
        ['error', '2026-11-27T08:05:00Z'],
      ],
      '2026-11-27T07:00:00Z',
    ),
  ];
}

describe('the figures of an environment', () => {
  const figures = environmentFigures('prod', knownHistory(), window);

  it('measures the lead time from commit to a successful deploy: median and p90 by nearest rank', () => {
    // b: 1h 30m, d: 24h 45m, e: 20m; the failed ones (c, f) have no lead time.
    expect(figures.leadTime).toEqual({
      measured: 3,
      missing: 0,
      medianSeconds: 5400,
      p90Seconds: 89100,
    });
    expect(figures.deployments.map((d) => d.leadTimeSeconds)).toEqual([
      undefined,
      1200,
      89100,
      undefined,
      5400,
    ]);
  });

  it('counts the successful deploys per week of the window', () => {
    expect(figures.frequency).toEqual({ successful: 3, perWeek: 0.75 });
  });

  it('counts the failed deploys (failure and error) and the change-failure rate of the finished ones', () => {
    expect(figures.failures).toEqual({ failed: 2, finished: 5, changeFailureRate: 0.4 });
  });

  it('lists the deployments of the window newest first with their final state', () => {
    expect(figures.deployments.map((d) => [d.commit[0], d.state, d.createdAt])).toEqual([
      ['f', 'error', '2026-11-27T08:00:00Z'],
      ['e', 'success', '2026-11-24T14:00:00Z'],
      ['d', 'inactive', '2026-11-17T09:00:00Z'],
      ['c', 'failure', '2026-11-10T12:00:00Z'],
      ['b', 'inactive', '2026-11-03T10:00:00Z'],
    ]);
  });

  it('says what runs now when the newest deploy failed: the newest that succeeded, and the failed attempt beside it', () => {
    expect(figures.runsNow).toMatchObject({
      commit: sha('e'),
      ref: 'master',
      deployedAt: '2026-11-24T14:10:00Z',
      workflow: 'pipeline',
    });
    expect(figures.newerAttempt).toMatchObject({ commit: sha('f'), state: 'error' });
  });

  it('finds what runs now before the window when nothing deployed inside it', () => {
    const quiet = environmentFigures('prod', knownHistory().slice(0, 1), window);
    expect(quiet.runsNow).toMatchObject({ commit: sha('a'), deployedAt: '2026-10-20T09:20:00Z' });
    expect(quiet.deployments).toEqual([]);
    expect(quiet.frequency.successful).toBe(0);
    expect(quiet.failures.changeFailureRate).toBeNull();
  });

  it('reports an environment never deployed as nothing running and no figures', () => {
    expect(environmentFigures('qa', [], window)).toEqual({
      environment: 'qa',
      runsNow: null,
      newerAttempt: null,
      deployments: [],
      leadTime: { measured: 0, missing: 0, medianSeconds: null, p90Seconds: null },
      frequency: { successful: 0, perWeek: 0 },
      failures: { failed: 0, finished: 0, changeFailureRate: null },
    });
  });

  it('leaves out what was created after the end of the window, as if the report ran then', () => {
    const earlier = environmentFigures('prod', knownHistory(), {
      since: '2026-11-01T00:00:00Z',
      until: '2026-11-20T00:00:00Z',
    });
    expect(earlier.runsNow?.commit).toBe(sha('d'));
    expect(earlier.deployments).toHaveLength(3);
  });

  it('takes commit times looked up elsewhere for records without committed_at, and counts the rest as missing', () => {
    const history = [
      record('2026-11-02T10:00:00Z', '1', [['success', '2026-11-02T10:10:00Z']]),
      record('2026-11-03T10:00:00Z', '2', [['success', '2026-11-03T10:10:00Z']]),
    ];
    expect(commitsToLookUp(history, window)).toEqual([sha('1'), sha('2')]);
    const found = environmentFigures(
      'prod',
      history,
      window,
      new Map([[sha('1'), '2026-11-02T09:10:00Z']]),
    );
    expect(found.leadTime).toEqual({
      measured: 1,
      missing: 1,
      medianSeconds: 3600,
      p90Seconds: 3600,
    });
  });

  it('asks for no commit time when every successful deploy of the window carries one', () => {
    expect(commitsToLookUp(knownHistory(), window)).toEqual([]);
  });
});

describe('how a deployment went', () => {
  const at = '2026-11-02T10:00:00Z';
  it.each<[string, StatusState[], string, string]>([
    ['no status yet', [], 'unfinished', 'in progress'],
    ['in progress', ['in_progress'], 'unfinished', 'in progress'],
    ['queued', ['queued'], 'unfinished', 'in progress'],
    ['success', ['in_progress', 'success'], 'succeeded', 'success'],
    ['replaced after success', ['success', 'inactive'], 'succeeded', 'inactive'],
    ['failure', ['in_progress', 'failure'], 'failed', 'failure'],
    ['error', ['error'], 'failed', 'error'],
    // GitHub documents inactive only for successful ones; a failure marked inactive stays failed.
    ['failure marked inactive', ['failure', 'inactive'], 'failed', 'inactive'],
  ])('%s', (_, states, outcome, finalState) => {
    const r = record(
      at,
      'a',
      states.map((s, i) => [s, `2026-11-02T10:0${i + 1}:00Z`]),
    );
    expect(outcomeOf(r)).toBe(outcome);
    expect(finalStateOf(r)).toBe(finalState);
  });
});

describe('percentile (nearest rank)', () => {
  it.each<[number[], number, number | null]>([
    [[], 50, null],
    [[7], 90, 7],
    [[4, 1, 3, 2], 50, 2],
    [[4, 1, 3, 2], 90, 4],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
  ])('of %j at %i is %p', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});

describe('whether the history read so far is enough', () => {
  const history = knownHistory().reverse();
  it('is not while the listing has not reached back before the window', () => {
    expect(historyComplete(history.slice(0, 2), '2026-11-24T14:00:00Z', window.since)).toBe(false);
  });
  it('is not before the window when nothing has succeeded yet', () => {
    const failed = history.filter((r) => outcomeOf(r) === 'failed');
    expect(historyComplete(failed, '2026-10-01T00:00:00Z', window.since)).toBe(false);
  });
  it('is once the listing is before the window and holds what runs now', () => {
    expect(historyComplete(history, '2026-10-20T09:00:00Z', window.since)).toBe(true);
  });
});
