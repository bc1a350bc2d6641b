/**
 * What the post step does, decided from what the main step recorded. The post step only runs
 * when the job succeeded (`post-if: success()` in action.yml); a failed install must never become
 * the cache for everyone after it.
 */

/** What main saves in action state for the post step. Never credentials: names and keys only. */
export interface SavedState {
  key: string;
  /** 'true' when the exact key was found. */
  cacheHit: string;
  path: string;
  /** Set when main decided not to use the cache at all; why. */
  skipped?: string;
}

export type PostDecision = { save: true } | { save: false; reason: string };

export function postDecision(state: Partial<SavedState>): PostDecision {
  if (!state.key || !state.path) {
    return { save: false, reason: 'the main step did not compute a key (it failed early)' };
  }
  if (state.skipped) return { save: false, reason: state.skipped };
  if (state.cacheHit === 'true') {
    return { save: false, reason: `the cache already has ${state.key}` };
  }
  return { save: true };
}
