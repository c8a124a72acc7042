/**
 * Determinism guard: every recorded history (test/fixtures/histories/) must replay against the
 * current workflow code. They are re-recorded from the code of the day (`npm run
 * record-histories`) as long as no release has been cut: nobody runs an earlier version. From the
 * first release on, a change that running workflows would replay differently is guarded instead,
 * and that release's histories stay here to prove it (see the contributing section, CHANGELOG.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { replayHistories } from '../../bench/storm/replay';
import { HISTORIES_DIR, readHistory } from '../helpers/histories';

const files = fs.existsSync(HISTORIES_DIR)
  ? fs.readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.history.pb'))
  : [];

test('recorded histories exist for every workflow type and the main paths', () => {
  const recorded = files.map((f) => path.basename(f, '.history.pb'));
  expect(recorded).toEqual(
    expect.arrayContaining([
      'create-task-throttled-recovered', // retried, then recovered
      'sample-escalated-operator-retry-recovered', // escalated, answered, recovered
      'capacity-waiter-recovered', // a run that waited for capacity
      'capacity-gate-metrics-storm', // the gate
      'capacity-gate-continued-as-new', // the gate, handing over
      'incident-of-300-runs-answered', // an incident
    ]),
  );
});

const recordedHistories = () =>
  files.map((file) => ({
    workflowId: path.basename(file, '.history.pb'),
    history: readHistory(path.join(HISTORIES_DIR, file)),
  }));

test('every recorded history replays against the current workflow code', async () => {
  expect(await replayHistories(recordedHistories())).toMatchObject({
    replayed: files.length,
    replayFailures: 0,
  });
}, 120_000);

// A fleet may mix traced and untraced workers (tracing is per process): the OpenTelemetry workflow
// interceptors must not change what a replay compares. The other direction — a traced run's
// history under the plain bundle — is replayed by test/tracing.
test('every recorded history replays under the tracing bundle too', async () => {
  expect(await replayHistories(recordedHistories(), { tracing: true })).toMatchObject({
    replayed: files.length,
    replayFailures: 0,
  });
}, 120_000);
