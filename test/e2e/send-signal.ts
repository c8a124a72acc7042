/**
 * An operator sends a workflow a signal from the Temporal Web UI, without code: on its page, More
 * Actions → Send a Signal, pick the signal (the UI lists them from the worker's
 * `__temporal_workflow_metadata` query) and type the input as JSON.
 */
import type { Page } from 'playwright-core';
import { screenshotPath } from './chromium';

export async function sendSignalFromWebUi(
  page: Page,
  target: { uiUrl: string; namespace: string; workflowId: string },
  signal: string,
  input: Record<string, unknown>,
  /** Name of the screenshot taken of the filled dialog (test-output/<name>.png). */
  screenshot: string,
): Promise<void> {
  await page.goto(
    `${target.uiUrl}/namespaces/${target.namespace}/workflows/${encodeURIComponent(target.workflowId)}`,
  );
  await page.getByRole('heading', { level: 1, name: target.workflowId }).waitFor({ state: 'visible' });

  await page.getByRole('button', { name: 'More Actions' }).click();
  await page.getByRole('menuitem', { name: 'Send a Signal' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send a Signal' });
  await dialog.getByRole('button', { name: 'Select a signal' }).click();
  await dialog.getByRole('option', { name: signal, exact: true }).click();
  await dialog.getByRole('listbox').waitFor({ state: 'hidden' });
  await dialog.getByRole('button', { name: signal, exact: true }).waitFor({ state: 'visible' });
  // The "Data" label points (for=) at the JSON editor's container, not at the editor itself, so
  // the editor has no accessible name: follow the label to the textbox it means.
  const dataFor = await dialog
    .locator('label', { has: page.getByText('Data', { exact: true }) })
    .getAttribute('for');
  const data = dialog.locator(`[id="${dataFor}"]`).getByRole('textbox');
  // Typed as the editor formats it, so the layout does not move under the Submit click.
  const json = JSON.stringify(input, null, 2);
  await data.fill(json);
  const typed = await data.textContent();
  for (const line of json.split('\n')) expect(typed).toContain(line.trim());
  const submit = dialog.getByRole('button', { name: 'Submit' });
  expect(await submit.isEnabled()).toBe(true);
  await page.screenshot({ path: screenshotPath(screenshot), fullPage: true });

  await submit.click();
  await page.getByRole('log').getByText('Workflow signaled.').waitFor({ state: 'visible' });
  await dialog.waitFor({ state: 'hidden' });
}
