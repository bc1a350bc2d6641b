/**
 * How one run under faults ended, decided from what the action reported and what the local AWS
 * holds afterwards, and the tally of many runs. Pure: the tests gather the facts.
 */

export type Outcome = 'succeeded' | 'failed-cleanly' | 'wrong';

export interface RunFacts {
  /** The action's exit code. */
  exitCode: number;
  /** Its ::error:: messages. */
  errors: readonly string[];
  /** Problems found in the local AWS if the run is taken as a success (wrong bytes, ...). */
  successProblems: readonly string[];
  /** Problems found if the run is taken as a failure (orphan uploads, alias moved, ...). */
  failureProblems: readonly string[];
  /** Faults the proxy injected that fail a request (not latency). */
  failingFaults: number;
}

export interface Classified {
  outcome: Outcome;
  /** Why the outcome is `wrong`; empty otherwise. */
  why: string[];
}

/**
 * A success must have left the right result; a failure must say so with ::error:: and have left
 * nothing wrong behind. Anything else (a success with wrong bytes, a silent failure, a failure
 * that left debris) is a wrong result.
 */
export function classify(facts: RunFacts): Classified {
  if (facts.exitCode === 0) {
    const why = [...facts.successProblems];
    if (facts.errors.length > 0) why.push(`exit code 0 with errors: ${facts.errors.join('; ')}`);
    return why.length > 0 ? { outcome: 'wrong', why } : { outcome: 'succeeded', why: [] };
  }
  const why = [...facts.failureProblems];
  if (facts.errors.length === 0) why.push(`exit code ${facts.exitCode} without an ::error::`);
  return why.length > 0 ? { outcome: 'wrong', why } : { outcome: 'failed-cleanly', why: [] };
}

export interface Tally {
  runs: number;
  /** Runs that met at least one failing fault and still succeeded (recovered by retrying). */
  retried: number;
  succeeded: number;
  failedCleanly: number;
  wrong: number;
  faultsInjected: number;
}

export const emptyTally = (): Tally => ({
  runs: 0,
  retried: 0,
  succeeded: 0,
  failedCleanly: 0,
  wrong: 0,
  faultsInjected: 0,
});

export function addRun(tally: Tally, facts: RunFacts, outcome: Outcome): Tally {
  return {
    runs: tally.runs + 1,
    retried: tally.retried + (outcome === 'succeeded' && facts.failingFaults > 0 ? 1 : 0),
    succeeded: tally.succeeded + (outcome === 'succeeded' ? 1 : 0),
    failedCleanly: tally.failedCleanly + (outcome === 'failed-cleanly' ? 1 : 0),
    wrong: tally.wrong + (outcome === 'wrong' ? 1 : 0),
    faultsInjected: tally.faultsInjected + facts.failingFaults,
  };
}

export function sumTallies(tallies: readonly Tally[]): Tally {
  return tallies.reduce(
    (a, b) => ({
      runs: a.runs + b.runs,
      retried: a.retried + b.retried,
      succeeded: a.succeeded + b.succeeded,
      failedCleanly: a.failedCleanly + b.failedCleanly,
      wrong: a.wrong + b.wrong,
      faultsInjected: a.faultsInjected + b.faultsInjected,
    }),
    emptyTally(),
  );
}
