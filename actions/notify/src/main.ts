import * as core from '@actions/core';
import { errorMessage, rawInput, setOutputs } from '@pipelines/action-kit';
import { getInputs, type Inputs } from './inputs';
import { messageFor, outcomeOf, type Event } from './message';
import { deliver } from './send';

/**
 * Sends at most one notification and never fails the step: a notification is information, and a
 * webhook that is down, slow or misconfigured must not fail a deploy. Every problem is a warning.
 */
export async function run(): Promise<void> {
  // The URL is a credential: masked before anything could print it.
  const raw = rawInput('webhook-url');
  if (raw) core.setSecret(raw);
  let outcome: { event: string; sent: boolean };
  try {
    outcome = await notify(getInputs());
  } catch (error) {
    core.warning(
      `Could not send the deploy notification: ${errorMessage(error)}. The run goes on.`,
    );
    outcome = { event: 'none', sent: false };
  }
  setOutputs({ event: outcome.event, sent: outcome.sent });
}

async function notify(inputs: Inputs): Promise<{ event: string; sent: boolean }> {
  const event = eventOf(inputs);
  if (!event) {
    core.info('Nothing to notify: this run deployed nothing and nothing failed.');
    return { event: 'none', sent: false };
  }
  if (!inputs.webhookUrl) {
    core.info(`No DEPLOY_WEBHOOK_URL secret: the ${event.kind} notification is not sent.`);
    return { event: event.kind, sent: false };
  }
  const payload = messageFor(event, {
    environment: inputs.environment ?? '',
    commit: inputs.commit,
    ref: inputs.ref,
    runUrl: inputs.runUrl,
    repository: inputs.repository,
  });
  const delivery = await deliver(inputs.webhookUrl, payload, inputs.timeoutMs);
  if (delivery.sent) core.info(`Sent the ${event.kind} notification: ${payload.text}`);
  else
    core.warning(
      `Could not send the ${event.kind} notification: ${delivery.problem}. The run goes on; check the DEPLOY_WEBHOOK_URL secret and the receiver.`,
    );
  return { event: event.kind, sent: delivery.sent };
}

/** What to tell, or undefined: a run that deploys nowhere is nobody's news. */
function eventOf(inputs: Inputs): Event | undefined {
  if (!inputs.environment) return undefined;
  if (inputs.event === 'waiting-for-approval')
    return { kind: 'waiting', notes: inputs.notes ?? '' };
  let needs: unknown;
  try {
    needs = JSON.parse(inputs.needs ?? '');
  } catch {
    throw new Error('the needs input is not JSON (pass needs: ${{ toJSON(needs) }})');
  }
  if (typeof needs !== 'object' || needs === null)
    throw new Error('the needs input is not an object');
  return outcomeOf(needs as Record<string, { result?: unknown }>);
}
