/**
 * The Temporal Web UI tells the story (acceptance of issue 8): the AWS sample event, POSTed to an
 * in-process ingress, becomes a run that the dev server's Web UI lists under the query
 * ConnectReasonCode="ResourceNotFoundException" and whose page shows the summary the ingress set.
 * Real headless Chromium against the real UI of the run's dev server.
 */
import { randomUUID } from 'node:crypto';
import type { FrameLocator, Page } from 'playwright-core';
import { resolveSignal } from '../../workflows/definitions';
import { loadSampleEvent } from '../helpers/events';
import { startRemediationStack, type RemediationStack } from '../helpers/remediation-stack';
import { eventually, waitForPhase } from '../helpers/wait';
import { createTestIngress, type TestIngress } from '../ingress/harness';
import { launchChromium, screenshotPath } from './chromium';

// What the ingress sets as the run's static summary for the AWS sample event.
const SAMPLE_SUMMARY =
  'CREATE_TASK failed: ResourceNotFoundException — ContactFlowId provided does not belong to connect instance';
const QUERY = 'ConnectReasonCode="ResourceNotFoundException"';

let stack: RemediationStack;
let ingress: TestIngress;

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'web-ui' });
  ingress = await createTestIngress(stack.temporal, {
    temporal: {
      taskQueue: stack.taskQueue,
      namespace: stack.temporal.namespace,
      webUiUrl: stack.temporal.uiUrl,
    },
  });
});
afterAll(async () => {
  await ingress?.close();
  await stack?.stop();
});

async function postFresh(
  detail: Partial<ReturnType<typeof loadSampleEvent>['detail']> = {},
): Promise<string> {
  const sample = loadSampleEvent();
  const answer = await ingress.post({ ...sample, id: randomUUID(), detail: { ...sample.detail, ...detail } });
  expect(answer.statusCode).toBe(202);
  expect(answer.json()).toMatchObject({ status: 'started' });
  return answer.json().workflowId as string;
}

async function visibleTo(query: string, workflowId: string): Promise<boolean> {
  for await (const info of stack.temporal.client.workflow.list({ query })) {
    if (info.workflowId === workflowId) return true;
  }
  return false;
}

/**
 * The markdown the Web UI renders (in an iframe) in the section titled `heading`: the
 * innermost element holding both that heading and an iframe is the section.
 */
function section(page: Page, heading: string): FrameLocator {
  return page
    .locator(`div:has(h3:text-is("${heading}")):has(iframe)`)
    .last()
    .locator('iframe')
    .first()
    .contentFrame();
}

test('the Web UI lists the posted sample run under ConnectReasonCode="ResourceNotFoundException" and shows its summary', async () => {
  const workflowId = await postFresh();
  // A run for another reason: the list must be filtered, not merely contain ours.
  const decoyId = await postFresh({ ruleId: '0', reasonCode: 'ThrottlingException' });
  const handle = stack.temporal.client.workflow.getHandle(workflowId);
  await waitForPhase(handle, 'awaiting-operator');
  await eventually(() => visibleTo(QUERY, workflowId), `${workflowId} in visibility under ${QUERY}`);
  await eventually(() => visibleTo(`WorkflowId = "${decoyId}"`, decoyId), `${decoyId} in visibility`);

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const listUrl = `${stack.temporal.uiUrl}/namespaces/${stack.temporal.namespace}/workflows?query=${encodeURIComponent(QUERY)}`;
    await page.goto(listUrl);

    const runLink = page.getByRole('link', { name: workflowId, exact: true });
    await runLink.waitFor({ state: 'visible', timeout: 30_000 });
    // The query is applied as a filter (shown as a chip), and it excludes the other run.
    await page
      .getByRole('button', { name: /ConnectReasonCode\s*=\s*"ResourceNotFoundException"/ })
      .waitFor({ state: 'visible' });
    expect(await page.getByRole('link', { name: decoyId, exact: true }).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('web-ui-list-resource-not-found'), fullPage: true });

    await runLink.click();
    await page.waitForURL(new RegExp(`/workflows/${workflowId}/`));
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    await page.waitForURL(/\/user-metadata$/);
    // UI 2.42 lists no summaries; the run's User Metadata tab shows the static summary, and the
    // current details say what the run is waiting for.
    await section(page, 'Summary').getByText(SAMPLE_SUMMARY).waitFor({ state: 'visible' });
    await section(page, 'Current Details')
      .getByText(/awaiting-operator — Policy flow-misconfigured escalates ResourceNotFoundException/)
      .waitFor({ state: 'visible' });
    await page.screenshot({ path: screenshotPath('web-ui-run-summary'), fullPage: true });
  } finally {
    await browser.close();
    await handle.signal(resolveSignal, { note: 'web-ui test done', by: 'jest' });
  }
}, 90_000);
