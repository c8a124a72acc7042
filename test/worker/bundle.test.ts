/** The worker's production code path: `workflows/` must bundle for Temporal's deterministic sandbox. */
import { bundleWorkflows } from '../../worker/remediation-worker';

test('the production workflows bundle and export the remediation workflow', async () => {
  const bundle = await bundleWorkflows();
  expect(bundle.code.length).toBeGreaterThan(10_000);
  expect(bundle.code).toContain('remediateFailedAction');
  expect(bundle.code).toContain('taskCapacityGate');
}, 120_000);
