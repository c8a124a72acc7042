/**
 * An operator answers an incident — every run of one broken rule — from the Temporal Web UI: on
 * the incident's page, More Actions → Send a Signal → `answer`, with the decision as JSON. Every
 * member run re-issues with the corrected flow and recovers. Real headless Chromium, real UI.
 */
import type { Browser } from 'playwright-core';
import { SEED } from '../../simulator';
import { incidentStatusQuery, type RemediationResult } from '../../workflows/definitions';
import { failuresOfRuleWithDeletedFlow } from '../helpers/broken-rule';
import {
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import { eventually } from '../helpers/wait';
import { launchChromium } from './chromium';
import { sendSignalFromWebUi } from './send-signal';

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
  const { events, incidentId: id } = await failuresOfRuleWithDeletedFlow(admin, {
    name: 'follow-up with a deleted flow (web ui)',
    count: RUNS,
    error: 'flow gone',
  });
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
  await sendSignalFromWebUi(
    page,
    { uiUrl: stack.temporal.uiUrl, namespace: stack.temporal.namespace, workflowId: id },
    'answer',
    {
      action: 'retry',
      overrides: { contactFlowId: SEED.contactFlows.taskTriage },
      note: 'flow restored',
      by: 'web-ui-test',
    },
    'web-ui-incident-dialog',
  );

  const results = (await Promise.all(handles.map((h) => h.result()))) as RemediationResult[];
  expect(results.map((r) => r.outcome)).toEqual(events.map(() => 'recovered'));
  for (const result of results) {
    expect(result.decision).toMatchObject({ action: 'retry', by: 'web-ui-test' });
    const task = await admin.task(result.attempts.at(-1)!.resultId!);
    expect(task.request.ContactFlowId).toBe(SEED.contactFlows.taskTriage);
  }
}, 120_000);
