/**
 * Search attributes registered by the worker on a real cluster: against the run's dev server, in
 * fresh namespaces (the dev server's flags only cover `default`), so "missing ones created" and
 * "existing ones left alone" can be observed.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { google } from '@temporalio/proto';
import { loadConfig } from '../../worker/config';
import { createLogger } from '../../worker/logger';
import { startRemediationWorker } from '../../worker/remediation-worker';
import {
  ensureSearchAttributes,
  SearchAttributeRegistrationError,
} from '../../worker/search-attribute-registration';
import { REMEDIATION_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { SHIPPED_POLICIES } from '../helpers/remediation-stack';
import { testEnv } from '../helpers/env';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';
import { eventually } from '../helpers/wait';

const ALL = REMEDIATION_SEARCH_ATTRIBUTES.map((k) => k.name);
const KEYWORD = 2; // temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
const TEXT = 1;

let temporal: TestTemporal;
beforeAll(async () => {
  temporal = await connectTestTemporal();
});
afterAll(() => temporal.close());

async function freshNamespace(preset: Record<string, number> = {}): Promise<string> {
  const namespace = `sa-test-${randomUUID().slice(0, 8)}`;
  await temporal.connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: google.protobuf.Duration.fromObject({ seconds: 86_400 }),
  });
  if (Object.keys(preset).length)
    await temporal.connection.operatorService.addSearchAttributes({ namespace, searchAttributes: preset });
  return namespace;
}

async function customAttributes(namespace: string): Promise<Record<string, number>> {
  return (
    (await temporal.connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {}
  );
}

test('a namespace without them gets every remediation attribute as Keyword, and runs become queryable by them', async () => {
  const namespace = await freshNamespace();
  await expect(
    temporal.client.workflowService.countWorkflowExecutions({
      namespace,
      query: 'ConnectReasonCode = "ResourceNotFoundException"',
    }),
  ).rejects.toThrow(/ConnectReasonCode/);

  const registration = await ensureSearchAttributes(temporal.connection, namespace);

  expect(registration).toEqual({ namespace, created: ALL, existing: [] });
  const registered = await customAttributes(namespace);
  for (const name of ALL) expect(registered[name]).toBe(KEYWORD);
  await eventually(
    () =>
      temporal.client.workflowService
        .countWorkflowExecutions({
          namespace,
          query: 'ConnectReasonCode = "ResourceNotFoundException" AND RemediationPhase = "escalated"',
        })
        .then(() => true)
        .catch(() => false),
    'the new attributes to be usable in a visibility query',
  );
});

test('a second registration changes nothing: all of them are reported as existing', async () => {
  const namespace = await freshNamespace();
  await ensureSearchAttributes(temporal.connection, namespace);
  expect(await ensureSearchAttributes(temporal.connection, namespace)).toEqual({
    namespace,
    created: [],
    existing: ALL,
  });
});

test('only the missing ones are created; existing ones (and unrelated ones) are left alone', async () => {
  const namespace = await freshNamespace({ ConnectReasonCode: KEYWORD, TeamOwner: TEXT });
  const registration = await ensureSearchAttributes(temporal.connection, namespace);
  expect(registration.existing).toEqual(['ConnectReasonCode']);
  expect(registration.created).toEqual(ALL.filter((n) => n !== 'ConnectReasonCode'));
  expect((await customAttributes(namespace)).TeamOwner).toBe(TEXT);
});

test('the dev server namespace already has them from its flags', async () => {
  const registration = await ensureSearchAttributes(temporal.connection, temporal.namespace);
  expect(registration.created).toEqual([]);
  expect(registration.existing).toEqual(ALL);
});

test('when the server refuses, the error names the namespace, the missing attributes and how to create them', async () => {
  // A SQL visibility store has ten Keyword slots per namespace: fill them so the server says no.
  const fillers = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`Filler${i}`, KEYWORD]));
  const namespace = await freshNamespace(fillers);

  const failure = await ensureSearchAttributes(temporal.connection, namespace).catch((err: unknown) => err);

  expect(failure).toBeInstanceOf(SearchAttributeRegistrationError);
  const error = failure as SearchAttributeRegistrationError;
  expect(error.namespace).toBe(namespace);
  expect(error.missing).toEqual(ALL);
  expect(error.message).toContain(
    `Namespace "${namespace}" lacks the search attributes ConnectReasonCode (Keyword)`,
  );
  expect(error.message).toMatch(/refused to create them: .*more than 10 search attribute of type Keyword/);
  expect(error.message).toContain(`tcld namespace search-attributes add --namespace ${namespace}`);
  expect(error.message).toContain('--search-attribute "RemediationPhase=Keyword"');
});

test('an attribute registered with another type is reported, not silently changed', async () => {
  const namespace = await freshNamespace({ RemediationPhase: TEXT });
  await expect(ensureSearchAttributes(temporal.connection, namespace)).rejects.toThrow(
    `Namespace "${namespace}" has search attributes of the wrong type (RemediationPhase is Text); connect-remediator needs Keyword`,
  );
  expect((await customAttributes(namespace)).RemediationPhase).toBe(TEXT);
  expect((await customAttributes(namespace)).ConnectReasonCode).toBeUndefined();
});

test('an unknown namespace is named in the error', async () => {
  await expect(ensureSearchAttributes(temporal.connection, 'no-such-namespace-cr')).rejects.toThrow(
    /Cannot list the search attributes of namespace "no-such-namespace-cr" .*not found/i,
  );
});

test('a worker starting on a namespace without them registers them before it polls', async () => {
  const namespace = await freshNamespace();
  const base = loadConfig({});
  const worker = await startRemediationWorker({
    config: {
      ...base,
      temporal: { ...base.temporal, address: temporal.address, namespace, taskQueue: uniqueTaskQueue('sa') },
      policiesFile: SHIPPED_POLICIES,
    },
    connection: temporal.nativeConnection,
    client: new Client({ connection: temporal.connection, namespace }),
    logger: createLogger('error', 'test'),
    workflowBundle: { codePath: testEnv('bundle') },
  });
  try {
    const registered = await customAttributes(namespace);
    expect(ALL.filter((name) => registered[name] !== KEYWORD)).toEqual([]);
  } finally {
    await worker.stop();
  }
});
