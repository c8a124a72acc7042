/**
 * Webhook destinations in real runs: a Slack-style URL held in urlEnv reaches its receiver and
 * appears in no history payload (decoded: inputs, results, failures, memo, the run's description);
 * a secret sent to an origin not listed for it is refused at send time, nothing is sent, and the
 * run records why — without the secret.
 */
import { resolveSignal } from '../../workflows/definitions';
import { decodedText } from '../helpers/decoded-text';
import { failureEvent } from '../helpers/events';
import {
  scenarioPolicy,
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import { waitForPhase } from '../helpers/wait';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const SLACK_SECRET = 'slack-path-secret-4b9e1d';
const TOKEN = 'unbound-token-8c2f';
const SLACK_URL_ENV = 'CONNECT_REMEDIATOR_SECRET_TEST_SLACK_URL';
let stack: RemediationStack;
let slack: WebhookReceiver;
let other: WebhookReceiver;

beforeAll(async () => {
  slack = await startWebhookReceiver();
  other = await startWebhookReceiver();
  // The worker validates its policy file with this environment (the URL is there to be checked).
  process.env[SLACK_URL_ENV] = `${new URL(slack.url).origin}/services/T0000/B0000/${SLACK_SECRET}`;
  const secrets: Record<string, string> = {
    [SLACK_URL_ENV]: process.env[SLACK_URL_ENV],
    // Given to the worker only (not in the validating environment, and no _ORIGINS anywhere): only
    // the send-time check stands between this token and the receiver.
    CONNECT_REMEDIATOR_SECRET_TEST_UNBOUND: TOKEN,
  };
  stack = await startRemediationStack({
    name: 'webhook-destinations',
    policiesYaml: testSpeedPolicies({
      channels: {
        slack: { type: 'webhook', urlEnv: SLACK_URL_ENV },
        unbound: { type: 'webhook', url: other.url, secretEnv: 'CONNECT_REMEDIATOR_SECRET_TEST_UNBOUND' },
      },
      prepend: [
        scenarioPolicy('slack', { then: 'escalate', escalateTo: ['slack'] }),
        scenarioPolicy('unbound', { then: 'escalate', escalateTo: ['unbound'] }),
      ],
    }),
    depsOverride: { secret: (name) => secrets[name] },
  });
});
afterAll(async () => {
  delete process.env[SLACK_URL_ENV];
  await stack?.stop();
  await slack.close();
  await other.close();
});

async function everythingRecorded(handle: Awaited<ReturnType<RemediationStack['start']>>) {
  return decodedText(await handle.fetchHistory()) + decodedText((await handle.describe()).raw);
}

test('a Slack-style urlEnv URL is posted to, and appears in no history payload', async () => {
  const handle = await stack.start(
    failureEvent({ reasonCode: 'SomethingNew', error: 'scenario:slack happened' }),
  );
  await waitForPhase(handle, 'awaiting-operator');
  const delivery = slack.received.find((r) => r.body.workflowId === handle.workflowId);
  expect(delivery).toBeDefined();
  await handle.signal(resolveSignal, { note: 'seen in Slack' });
  const result = await stack.result(handle);
  expect(result.escalations[0]!.channels).toEqual([
    expect.objectContaining({ name: 'slack', ok: true, detail: 'webhook slack answered HTTP 200 OK' }),
  ]);
  const recorded = await everythingRecorded(handle);
  expect(recorded).toContain(SLACK_URL_ENV); // the channel is recorded, by the variable's name
  expect(recorded).toContain('test-slack escalates SomethingNew'); // the decoding reads payloads
  expect(recorded).not.toContain(SLACK_SECRET);
});

test('a secret to an origin nobody listed for it is refused when sending: nothing is sent, nothing secret recorded', async () => {
  const handle = await stack.start(failureEvent({ error: 'scenario:unbound happened' }));
  await waitForPhase(handle, 'awaiting-operator');
  await handle.signal(resolveSignal, {});
  const result = await stack.result(handle);
  expect(result.escalations[0]!.channels[0]).toMatchObject({
    name: 'unbound',
    ok: false,
    detail: expect.stringMatching(
      /cannot deliver as configured: the secret in CONNECT_REMEDIATOR_SECRET_TEST_UNBOUND may go only to the origins in CONNECT_REMEDIATOR_SECRET_TEST_UNBOUND_ORIGINS \(it is not set\)/,
    ),
  });
  expect(other.received.filter((r) => r.body.workflowId === handle.workflowId)).toHaveLength(0);
  expect(await everythingRecorded(handle)).not.toContain(TOKEN);
});
