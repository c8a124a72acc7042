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
import { launchChromium, screenshotPath } from './chromium';

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
  await page.goto(
    `${stack.temporal.uiUrl}/namespaces/${stack.temporal.namespace}/workflows/${encodeURIComponent(handle.workflowId)}`,
  );
  await page.getByRole('heading', { level: 1, name: handle.workflowId }).waitFor({ state: 'visible' });

  await page.getByRole('button', { name: 'More Actions' }).click();
  await page.getByRole('menuitem', { name: 'Send a Signal' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send a Signal' });
  // The signal names the UI offers come from the running worker (`__temporal_workflow_metadata`).
  await dialog.getByRole('button', { name: 'Select a signal' }).click();
  await dialog.getByRole('option', { name: 'retry', exact: true }).click();
  await dialog.getByRole('listbox').waitFor({ state: 'hidden' });
  await dialog.getByRole('button', { name: 'retry', exact: true }).waitFor({ state: 'visible' });
  // The "Data" label points (for=) at the JSON editor's container, not at the editor itself, so
  // the editor has no accessible name: follow the label to the textbox it means.
  const dataFor = await dialog
    .locator('label', { has: page.getByText('Data', { exact: true }) })
    .getAttribute('for');
  const data = dialog.locator(`[id="${dataFor}"]`).getByRole('textbox');
  await data.fill(JSON.stringify(DECISION, null, 2));
  expect(await data.textContent()).toContain('"note": "fixed in the Web UI"');
  const submit = dialog.getByRole('button', { name: 'Submit' });
  expect(await submit.isEnabled()).toBe(true);
  await page.screenshot({ path: screenshotPath('web-ui-signal-dialog'), fullPage: true });

  await submit.click();
  await page.getByRole('log').getByText('Workflow signaled.').waitFor({ state: 'visible' });
  await dialog.waitFor({ state: 'hidden' });

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
