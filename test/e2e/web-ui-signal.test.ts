/**
 * An operator answers an escalated run from the Temporal Web UI, without code: on the run's page,
 * More Actions → Send a Signal, pick `retry` (the UI lists the run's signals from the worker's
 * `__temporal_workflow_metadata` query) and type the decision as JSON. The run re-issues with the
 * corrected flow and recovers. Real headless Chromium against the real UI of the run's dev server.
 */
import type { Browser } from 'playwright-core';
import { SEED } from '../../simulator';
import type { OperatorDecision } from '../../workflows/definitions';
import { failureEvent, loadSampleEvent } from '../helpers/events';
import { startRemediationStack, type RemediationStack } from '../helpers/remediation-stack';
import { waitForPhase } from '../helpers/wait';
import { launchChromium } from './chromium';
import { sendSignalFromWebUi } from './send-signal';

const DECISION = {
  overrides: { contactFlowId: SEED.contactFlows.taskTriage },
  note: 'fixed in the Web UI',
  by: 'web-ui-test',
} satisfies OperatorDecision;

let stack: RemediationStack;
let browser: Browser | undefined;

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'web-ui-signal' });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test("an operator answers an escalated run with retry and a corrected flow from the Web UI's signal dialog, and it recovers", async () => {
  // The AWS sample: its flow does not belong to the instance, so the run escalates and waits.
  const handle = await stack.start(failureEvent(loadSampleEvent().detail));
  await waitForPhase(handle, 'awaiting-operator');

  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await sendSignalFromWebUi(
    page,
    { uiUrl: stack.temporal.uiUrl, namespace: stack.temporal.namespace, workflowId: handle.workflowId },
    'retry',
    DECISION,
    'web-ui-signal-dialog',
  );

  const result = await stack.result(handle);
  expect(result.outcome).toBe('recovered');
  expect(result.decision).toMatchObject({
    action: 'retry',
    note: 'fixed in the Web UI',
    by: 'web-ui-test',
  });
  const reissue = result.attempts.at(-1)!;
  expect(reissue).toMatchObject({ trigger: 'operator', ok: true });
  const task = await stack.simulator.admin.task(reissue.resultId!);
  expect(task.request.ContactFlowId).toBe(SEED.contactFlows.taskTriage);
}, 90_000);
