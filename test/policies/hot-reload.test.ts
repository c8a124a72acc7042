/**
 * Hot reload end to end, through real remediation runs on a running worker: a broken edit keeps
 * new runs on the last good set, the fix applies to the next run, and a run already in flight
 * keeps the policy it resolved (it is in its history).
 */
import fs from 'node:fs';
import path from 'node:path';
import { resolveSignal, type RemediationResult } from '../../workflows/definitions';
import type { ReloadOutcome } from '../../policies/store.node';
import { failureEvent } from '../helpers/events';
import {
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import { waitForPhase } from '../helpers/wait';

let stack: RemediationStack;

/** The shipped set plus one marker policy, so each run shows which version it resolved. */
const version = (name: string) =>
  testSpeedPolicies({ prepend: [{ name, when: { errorMatches: 'hot-reload-test' }, then: 'escalate' }] });

function replaceByRename(file: string, text: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.hrtime.bigint()}.tmp`);
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

function nextReload(status: ReloadOutcome['status']): Promise<ReloadOutcome> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${status}" reload within 10s`)), 10_000);
    const stop = stack.worker.policies.onReload((outcome) => {
      if (outcome.status !== status) return;
      clearTimeout(timer);
      stop();
      resolve(outcome);
    });
  });
}

async function runToEscalation() {
  const handle = await stack.start(failureEvent({ error: 'hot-reload-test' }));
  await waitForPhase(handle, 'awaiting-operator');
  return handle;
}

async function resolved(handle: Awaited<ReturnType<typeof runToEscalation>>): Promise<RemediationResult> {
  await handle.signal(resolveSignal, {});
  return stack.result(handle);
}

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'hot-reload', policiesYaml: version('marker-v1') });
});
afterAll(() => stack.stop());

test('a broken edit keeps new runs on the old set; the fix applies to the next run; runs in flight keep theirs', async () => {
  const v1Hash = stack.worker.policies.current().hash;
  const inFlight = await runToEscalation();

  const rejected = nextReload('rejected');
  replaceByRename(
    stack.policiesFile,
    version('marker-broken').replace('then: escalate', 'then: escalate-later'),
  );
  await rejected;
  const duringBrokenEdit = await resolved(await runToEscalation());
  expect(duringBrokenEdit.policy).toEqual({ name: 'marker-v1', setHash: v1Hash, strategy: 'escalate' });

  const applied = nextReload('applied');
  replaceByRename(stack.policiesFile, version('marker-v2'));
  const { hash: v2Hash } = (await applied) as Extract<ReloadOutcome, { status: 'applied' }>;
  expect(v2Hash).not.toBe(v1Hash);
  const afterFix = await resolved(await runToEscalation());
  expect(afterFix.policy).toEqual({ name: 'marker-v2', setHash: v2Hash, strategy: 'escalate' });

  // Started under v1, finishing under v2: it keeps the policy it resolved.
  expect((await resolved(inFlight)).policy).toEqual({
    name: 'marker-v1',
    setHash: v1Hash,
    strategy: 'escalate',
  });
});
