/**
 * Determinism guard: every committed history (test/fixtures/histories/) must replay against the
 * current production workflow code. If this fails, the change would break runs already in flight:
 * gate it with `patched()` (see Temporal's versioning docs) instead of re-recording.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../../worker/remediation-worker';
import { HISTORIES_DIR, readHistory } from '../helpers/histories';
import { installTemporalRuntime } from '../../worker/runtime';

const files = fs.existsSync(HISTORIES_DIR)
  ? fs.readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.history.pb'))
  : [];

test('recorded histories exist for the remediation and capacity-gate scenarios, old code paths and new', () => {
  expect(files.filter((f) => f.startsWith('v1-')).length).toBeGreaterThanOrEqual(6);
  expect(files.filter((f) => !f.startsWith('v1-')).length).toBeGreaterThanOrEqual(6);
});

test('every recorded history replays against the current workflow code', async () => {
  installTemporalRuntime('error');
  const workflowBundle = await bundleWorkflows();
  const histories = files.map((file) => ({
    workflowId: path.basename(file, '.history.pb'),
    history: readHistory(path.join(HISTORIES_DIR, file)),
  }));
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
}, 120_000);
