/**
 * `npm run build`: what a production process runs instead of the TypeScript sources. tsc compiles
 * the sources to dist/ (tsconfig.build.json); the workflow code is bundled once, here, into
 * dist/workflow-bundle.js, which the compiled worker loads instead of bundling at every start; and
 * dist/build-info.json records the sources' fingerprint, so the `connect-remediator` command runs
 * dist/ only while it matches them (bin/build-state.js).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from '../worker/remediation-worker';
import { PREBUILT_BUNDLE_FILE } from '../worker/workflow-bundle';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BUILD_INFO, sourceFingerprint } = require('../bin/build-state') as {
  BUILD_INFO: string;
  sourceFingerprint(root: string): string | undefined;
};

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

async function main(): Promise<void> {
  const started = Date.now();
  // Taken first: a source edited while the build runs leaves a build that does not match, not one
  // that claims sources it never saw.
  const fingerprint = sourceFingerprint(ROOT);
  if (!fingerprint) throw new Error(`no sources under ${ROOT}`);
  fs.rmSync(DIST, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const bundle = await bundleWorkflows();
  fs.writeFileSync(path.join(DIST, PREBUILT_BUNDLE_FILE), bundle.code);
  fs.writeFileSync(
    path.join(ROOT, BUILD_INFO),
    `${JSON.stringify({ fingerprint, builtAt: new Date().toISOString(), node: process.version }, null, 2)}\n`,
  );
  console.log(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(`build failed: ${(err as Error).message}`);
  process.exit(1);
});
