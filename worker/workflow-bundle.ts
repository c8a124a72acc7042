/**
 * The workflow bundle, built in a short-lived child process. Bundling (webpack) costs the process
 * that does it well over a hundred megabytes it never gives back; done in the worker itself, that
 * memory would sit in every worker for its whole life. A child builds the bundle into a file, exits
 * and returns its memory; the worker loads the file.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Runs in the child: bundles the workflows and writes the code to the path it is given. */
const BUILD_SCRIPT = `
  require('tsx/cjs');
  const fs = require('node:fs');
  const { bundleWorkflows } = require(process.argv[1]);
  bundleWorkflows(undefined, { tracing: process.argv[3] === 'tracing' }).then(
    (bundle) => fs.writeFileSync(process.argv[2], bundle.code),
    (err) => { console.error(err && err.stack || String(err)); process.exit(1); },
  );
`;

/**
 * Builds the bundle out of process (with the tracing interceptors when asked); returns where it is
 * (removed with its folder by `dispose`).
 */
export async function buildWorkflowBundleFile(
  options: { tracing?: boolean } = {},
): Promise<{ codePath: string; dispose(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-remediator-bundle-'));
  const codePath = path.join(dir, 'workflows.js');
  try {
    await execFileAsync(
      process.execPath,
      [
        '-e',
        BUILD_SCRIPT,
        require.resolve('./remediation-worker'),
        codePath,
        options.tracing ? 'tracing' : 'plain',
      ],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`building the workflow bundle failed${stderr ? `: ${stderr}` : ''}`);
  }
  return { codePath, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
