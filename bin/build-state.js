/**
 * Which code the `connect-remediator` command runs: the build in dist/ (`npm run build`) or the
 * TypeScript sources through tsx. Shared by the launcher (bin/connect-remediator.js) and the build
 * (scripts/build.ts), so both compute the same fingerprint.
 *
 * A dist/ left over from an earlier build must never run old code in a checkout someone is editing:
 * the build records a fingerprint of everything it compiled (the source folders' .ts and .json
 * files, the tsconfigs, the lockfile — the workflow bundle holds dependency code too), and the
 * launcher uses dist/ only while the sources still have that fingerprint. In the image there are
 * no sources to compare (only dist/ is copied), so the build runs. CONNECT_REMEDIATOR_RUN_FROM
 * overrides the choice: `build` (the image sets it: never fall back), `source`, or `auto`.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** What tsconfig.build.json compiles: the production processes and the dev stack the CLI starts. */
const SOURCE_DIRS = [
  'activities',
  'cli',
  'dev',
  'events',
  'ingress',
  'policies',
  'simulator',
  'worker',
  'workflows',
];
const SOURCE_FILES = ['package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.ts'];
const COMPILED = /\.(ts|json)$/;

const BUILD_INFO = path.join('dist', 'build-info.json');
const RUN_FROM_VAR = 'CONNECT_REMEDIATOR_RUN_FROM';

/** The files a build depends on, relative to `root` and sorted; empty when there are no sources. */
function sourceFiles(root) {
  const files = [];
  for (const dir of SOURCE_DIRS) {
    if (!fs.existsSync(path.join(root, dir))) continue;
    for (const entry of fs.readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })) {
      const rel = path.join(dir, entry);
      if (COMPILED.test(rel) && fs.statSync(path.join(root, rel)).isFile()) files.push(rel);
    }
  }
  if (files.length === 0) return files;
  for (const rel of SOURCE_FILES) if (fs.existsSync(path.join(root, rel))) files.push(rel);
  return files.sort();
}

/** sha256 over every build input's path and content; undefined when there are no sources. */
function sourceFingerprint(root) {
  const files = sourceFiles(root);
  if (files.length === 0) return undefined;
  const hash = crypto.createHash('sha256');
  for (const rel of files) {
    hash.update(rel.split(path.sep).join('/'));
    hash.update('\0');
    hash.update(fs.readFileSync(path.join(root, rel)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function readBuildInfo(root) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, BUILD_INFO), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * `{ from: 'build' | 'source', notice? }`, or throws an Error naming the variable or the missing
 * piece. `notice` is one line for stderr: why a build that exists is not used.
 */
function chooseEntry(root, env = process.env) {
  const mode = (env[RUN_FROM_VAR] ?? '').trim() || 'auto';
  if (!['auto', 'build', 'source'].includes(mode))
    throw new Error(`${RUN_FROM_VAR}: expected "auto", "build" or "source"; got "${mode}"`);
  const info = readBuildInfo(root);
  if (mode === 'source') return { from: 'source' };
  if (mode === 'build') {
    if (!info) throw new Error(`${RUN_FROM_VAR}=build, but there is no build in dist/: run npm run build`);
    return { from: 'build' };
  }
  if (!info) return { from: 'source' };
  const current = sourceFingerprint(root);
  if (current === undefined || current === info.fingerprint) return { from: 'build' };
  return {
    from: 'source',
    notice:
      'connect-remediator: dist/ was built from other sources than these (run npm run build again, ' +
      'or delete dist/); running the TypeScript sources',
  };
}

module.exports = { BUILD_INFO, RUN_FROM_VAR, SOURCE_DIRS, chooseEntry, sourceFingerprint };
