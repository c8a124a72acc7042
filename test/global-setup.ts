/**
 * Starts the one Temporal dev server for this test run (the real server, never a mock), registers
 * the search attributes, and bundles the workflow code once for every test file's worker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeCliSource, resolveTemporalCli } from '../dev/temporal-cli';
import { loadConfig } from '../worker/config';
import { installTemporalRuntime } from '../worker/runtime';
import { startDevServer, type RunningDevServer } from '../dev/temporal-dev-server';
import { bundleWorkflows } from '../worker/remediation-worker';
import { WEBHOOK_ALLOW_ADDRESSES_VAR } from '../policies/webhook-destinations';
import { TEST_ENV } from './helpers/env';

declare global {
  var __TEMPORAL_TEST_SERVER__: RunningDevServer | undefined;
  var __TEMPORAL_TEST_TMP__: string | undefined;
}

export default async function globalSetup(): Promise<void> {
  const config = loadConfig();
  installTemporalRuntime('warn');
  const cli = await resolveTemporalCli({ explicitPath: config.temporalCli, cacheDir: config.cacheDir });
  const server = await startDevServer({ cli, cacheDir: config.cacheDir, namespace: 'default', ui: true });
  globalThis.__TEMPORAL_TEST_SERVER__ = server;

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-remediator-test-'));
  globalThis.__TEMPORAL_TEST_TMP__ = tmp;
  const bundle = await bundleWorkflows(path.join(__dirname, 'fixtures', 'workflows.ts'));
  const bundlePath = path.join(tmp, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);

  process.env[TEST_ENV.address] = server.address;
  process.env[TEST_ENV.namespace] = server.namespace;
  process.env[TEST_ENV.uiUrl] = server.uiUrl ?? '';
  process.env[TEST_ENV.bundle] = bundlePath;
  process.env[TEST_ENV.tmp] = tmp;
  // The tests' webhook receivers listen on loopback, which webhooks may reach only when the
  // environment allows it (policies/webhook-destinations.ts). Tests of the refusal set their own.
  process.env[WEBHOOK_ALLOW_ADDRESSES_VAR] = '127.0.0.0/8,::1';
  console.log(
    `\n[tests] ${describeCliSource(cli)}\n[tests] Temporal dev server started for this run: ${server.address}, Web UI ${server.uiUrl}\n`,
  );
}
