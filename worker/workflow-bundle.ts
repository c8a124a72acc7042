/**
 * The workflow bundle, built in a short-lived child process. Bundling (webpack) costs the process
 * that does it well over a hundred megabytes it never gives back; done in the worker itself, that
 * memory would sit in every worker for its whole life. A child builds the bundle into a file, exits
 * and returns its memory; the worker loads the file.
 *
 * A build (`npm run build`, scripts/build.ts) bundles once, ahead of time, into
 * dist/workflow-bundle.js beside the compiled worker/: a worker started from the build loads that
 * file and bundles nothing (Temporal's own production advice). Started from the sources, the
 * compiled bundle is not beside it, so it bundles as above: a build never stands in for edited code.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The bundle's file name in dist/, written by the build. */
export const PREBUILT_BUNDLE_FILE = 'workflow-bundle.js';

/** The build's bundle when this module runs from dist/ (dist/worker/ → dist/workflow-bundle.js). */
export function prebuiltWorkflowBundle(): { codePath: string } | undefined {
  const codePath = path.join(__dirname, '..', PREBUILT_BUNDLE_FILE);
  return fs.existsSync(codePath) ? { codePath } : undefined;
}

/**
 * Runs in the child: bundles the workflows and writes the code to the path it is given. tsx only
 * for the TypeScript sources: compiled JavaScript (a build without its bundle) needs no hook.
 */
const BUILD_SCRIPT = `
  if (process.argv[1].endsWith('.ts')) require('tsx/cjs');
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
