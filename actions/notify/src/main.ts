import * as core from '@actions/core';
import { couldNot, rawInput } from '@pipelines/action-kit';
import { getInputs, type Inputs } from './inputs';
import { eventOf, messageFor } from './decide';
import { deliver } from './effects';
import { setResult, type Outcome } from './summary';

/**
 * Sends at most one notification and never fails the step: a notification is information, and a
 * webhook that is down, slow or misconfigured must not fail a deploy. Every problem is a warning.
 */
export async function run(): Promise<void> {
  // The URL is a credential: masked before anything could print it.
  const raw = rawInput('webhook-url');
  if (raw) core.setSecret(raw);
  let outcome: Outcome;
  try {
    outcome = await notify(getInputs());
  } catch (error) {
    core.warning(couldNot('send the deploy notification', error, 'The run goes on.'));
    outcome = { event: 'none', sent: false };
  }
  setResult(outcome);
}

async function notify(inputs: Inputs): Promise<Outcome> {
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
      couldNot(
        `send the ${event.kind} notification`,
        delivery.problem,
        'The run goes on; check the DEPLOY_WEBHOOK_URL secret and the receiver.',
      ),
    );
  return { event: event.kind, sent: delivery.sent };
}
