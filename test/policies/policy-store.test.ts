/**
 * Hot reload: the store follows the file as editors really save it (in place, or by writing a new
 * file and renaming it over), applies valid edits, and keeps the last good set on a broken one.
 * test/policies/hot-reload.test.ts shows it end to end through real remediation runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  PolicyLoadError,
  PolicyStore,
  type PolicyStoreLog,
  type ReloadOutcome,
} from '../../policies/store.node';
import { testEnv } from '../helpers/env';
import { validPolicyYaml } from './fixtures';

interface LogEntry {
  level: 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

function recordingLog(): { log: PolicyStoreLog; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (fields: object, message: string) =>
    entries.push({ level, fields: fields as Record<string, unknown>, message });
  return { entries, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

/** A policy file whose throttling policy has the given name. */
const policyText = (throttlingPolicyName: string) =>
  validPolicyYaml({
    policies: [
      `  - name: ${throttlingPolicyName}`,
      '    when: { reasonCode: ThrottlingException }',
      '    then: retry',
    ],
  });
const BROKEN_TEXT = policyText('broken').replace('then: retry', 'then: retry-later') + 'surprise: true\n';

/** Saves the file the way many editors and Kubernetes do: a new file renamed over the old one. */
function replaceByRename(file: string, text: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.hrtime.bigint()}.tmp`);
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

function nextReload(
  store: PolicyStore,
  status: ReloadOutcome['status'],
  timeoutMs = 10_000,
): Promise<ReloadOutcome> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no "${status}" reload within ${timeoutMs}ms`));
    }, timeoutMs);
    const stop = store.onReload((outcome) => {
      if (outcome.status !== status) return;
      clearTimeout(timer);
      stop();
      resolve(outcome);
    });
  });
}

let dir: string;
let file: string;
const stores: PolicyStore[] = [];

async function openStore(text: string) {
  fs.writeFileSync(file, text);
  const recorder = recordingLog();
  const store = await PolicyStore.open(file, recorder.log, { debounceMs: 50 });
  stores.push(store);
  return { store, ...recorder };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(testEnv('tmp'), 'policy-store-'));
  file = path.join(dir, 'policies.yaml');
});

afterEach(() => {
  stores.splice(0).forEach((store) => store.close());
});

describe('PolicyStore', () => {
  test('refuses to open a broken file, reporting every error', async () => {
    fs.writeFileSync(file, BROKEN_TEXT);
    const opening = PolicyStore.open(file, recordingLog().log, { watch: false });
    await expect(opening).rejects.toBeInstanceOf(PolicyLoadError);
    await expect(opening).rejects.toMatchObject({
      message: expect.stringMatching(/policies\.yaml:\d+:\d+: policies\[0\]\.then: expected one of retry/),
    });
    await expect(opening).rejects.toMatchObject({
      message: expect.stringMatching(/policies\.yaml:\d+:1: surprise: unknown key "surprise"/),
    });
  });

  test('refuses to open a missing file', async () => {
    await expect(PolicyStore.open(path.join(dir, 'absent.yaml'), recordingLog().log)).rejects.toThrow(
      /cannot read the file: no such file/,
    );
  });

  test('logs the content hash of the set it loads', async () => {
    const { store, entries } = await openStore(policyText('transient'));
    expect(store.current()).toMatchObject({ file, hash: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(entries).toEqual([
      expect.objectContaining({
        level: 'info',
        fields: expect.objectContaining({ hash: store.current().hash }),
      }),
    ]);
  });

  test('applies an edit written in place', async () => {
    const { store } = await openStore(policyText('v1'));
    const before = store.current();
    const applied = nextReload(store, 'applied');
    fs.writeFileSync(file, policyText('v2'));
    await expect(applied).resolves.toEqual({
      status: 'applied',
      hash: expect.any(String),
      previousHash: before.hash,
    });
    expect(store.current().set.policies[0]!.resolved.name).toBe('v2');
    expect(store.current().loadedAt.getTime()).toBeGreaterThanOrEqual(before.loadedAt.getTime());
  });

  test('applies an edit saved by renaming a new file over the old one', async () => {
    const { store } = await openStore(policyText('v1'));
    const applied = nextReload(store, 'applied');
    replaceByRename(file, policyText('v2'));
    await applied;
    expect(store.current().set.policies[0]!.resolved.name).toBe('v2');
  });

  test('keeps the last good set on a broken edit, logs every error once, then takes the fix', async () => {
    const { store, entries } = await openStore(policyText('v1'));
    const good = store.current();

    const rejected = nextReload(store, 'rejected');
    replaceByRename(file, BROKEN_TEXT);
    const outcome = await rejected;
    expect(outcome).toMatchObject({ status: 'rejected', keptHash: good.hash });
    expect(store.current()).toBe(good);
    const errorLogs = entries.filter((entry) => entry.level === 'error');
    expect(errorLogs).toHaveLength(1);
    expect(errorLogs[0]!.fields.errors).toEqual([
      expect.stringMatching(/policies\[0\]\.then: expected one of/),
      expect.stringMatching(/surprise: unknown key/),
    ]);
    expect(errorLogs[0]!.message).toContain(`policy set ${good.hash} stays in force`);

    // The same broken content again (an editor touching the file) is not reported twice.
    await store.reload();
    expect(entries.filter((entry) => entry.level === 'error')).toHaveLength(1);

    const applied = nextReload(store, 'applied');
    replaceByRename(file, policyText('v3'));
    await applied;
    expect(store.current().set.policies[0]!.resolved.name).toBe('v3');
  });

  test('a save that does not change the content changes nothing', async () => {
    const { store, entries } = await openStore(policyText('v1'));
    const before = store.current();
    await expect(store.reload()).resolves.toEqual({ status: 'unchanged', hash: before.hash });
    expect(store.current()).toBe(before);
    expect(entries).toHaveLength(1);
  });

  test('stops following the file once closed', async () => {
    const { store } = await openStore(policyText('v1'));
    store.close();
    fs.writeFileSync(file, policyText('v2'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.current().set.policies[0]!.resolved.name).toBe('v1');
  });
});
