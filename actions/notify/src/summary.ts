/**
 * What the step shows: its outputs (the event told, whether it was sent). No job summary: the
 * notification itself is the message, and the deploy jobs write their own summaries.
 */
import { setOutputs } from '@pipelines/action-kit';

export interface Outcome {
  /** deployed, failed, waiting, or none. */
  event: string;
  sent: boolean;
}

export function setResult(outcome: Outcome): void {
  setOutputs({ event: outcome.event, sent: outcome.sent });
}
