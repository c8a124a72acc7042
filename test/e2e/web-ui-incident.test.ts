/**
 * An operator answers an incident — every run of one broken rule — from the Temporal Web UI: on
 * the incident's page, More Actions → Send a Signal → `answer`, with the decision as JSON. Every
 * member run re-issues with the corrected flow and recovers. Real headless Chromium, real UI.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { incidentId, incidentKey } from '../../activities/incident';
import { SEED } from '../../simulator';
import { incidentStatusQuery, type RemediationResult } from '../../workflows/definitions';
import { failureEvent } from '../helpers/events';
import {
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import { eventually } from '../helpers/wait';
import { launchChromium, screenshotPath } from './chromium';

const RUNS = 5;
let stack: RemediationStack;
let browser: Browser | undefined;

beforeAll(async () => {
  stack = await startRemediationStack({
    name: 'web-ui-incident',
    policiesYaml: testSpeedPolicies({ set: { 'defaults.incident': {} } }),
  });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test("an operator answers an incident with retry and a corrected flow from the Web UI's signal dialog, and all its runs recover", async () => {
  const admin = stack.simulator.admin;
  const rule = await admin.addRule(SEED.instanceId, {
    Name: 'follow-up with a deleted flow (web ui)',
    Actions: [{ ActionType: 'CREATE_TASK', TaskAction: { Name: 'Follow up', ContactFlowId: randomUUID() } }],
  });
  const events = Array.from({ length: RUNS }, () =>
    failureEvent({ ruleId: rule.RuleId, reasonCode: 'ResourceNotFoundException', error: 'flow gone' }),
  );
  const id = incidentId(incidentKey(events[0]!, ['instanceId', 'ruleId', 'actionType', 'reasonCode']));
  const handles = await Promise.all(events.map((event) => stack.start(event)));
  await eventually(async () => {
    const status = await stack.temporal.client.workflow
      .getHandle(id)
      .query(incidentStatusQuery)
      .catch(() => undefined);
    return status?.runs === RUNS || undefined;
  }, 'every run to join the incident');

  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(
    `${stack.temporal.uiUrl}/namespaces/${stack.temporal.namespace}/workflows/${encodeURIComponent(id)}`,
  );
  await page.getByRole('heading', { level: 1, name: id }).waitFor({ state: 'visible' });

  await page.getByRole('button', { name: 'More Actions' }).click();
  await page.getByRole('menuitem', { name: 'Send a Signal' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send a Signal' });
  await dialog.getByRole('button', { name: 'Select a signal' }).click();
  await dialog.getByRole('option', { name: 'answer', exact: true }).click();
  await dialog.getByRole('listbox').waitFor({ state: 'hidden' });
  const dataFor = await dialog
    .locator('label', { has: page.getByText('Data', { exact: true }) })
    .getAttribute('for');
  const data = dialog.locator(`[id="${dataFor}"]`).getByRole('textbox');
  await data.fill(
    JSON.stringify(
      {
        action: 'retry',
        overrides: { contactFlowId: SEED.contactFlows.taskTriage },
        note: 'flow restored',
        by: 'web-ui-test',
      },
      null,
      2,
    ),
  );
  expect(await data.textContent()).toContain('"note": "flow restored"');
  const submit = dialog.getByRole('button', { name: 'Submit' });
  expect(await submit.isEnabled()).toBe(true);
  await page.screenshot({ path: screenshotPath('web-ui-incident-dialog'), fullPage: true });
  await submit.click();
  await page.getByRole('log').getByText('Workflow signaled.').waitFor({ state: 'visible' });

  const results = (await Promise.all(handles.map((h) => h.result()))) as RemediationResult[];
  expect(results.map((r) => r.outcome)).toEqual(events.map(() => 'recovered'));
  for (const result of results) {
    expect(result.decision).toMatchObject({ action: 'retry', by: 'web-ui-test' });
    const task = await admin.task(result.attempts.at(-1)!.resultId!);
    expect(task.request.ContactFlowId).toBe(SEED.contactFlows.taskTriage);
  }
}, 120_000);
