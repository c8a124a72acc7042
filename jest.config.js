/**
 * Every workflow test runs against one real Temporal dev server that test/global-setup.ts starts
 * for the whole run (and global-teardown.ts stops); each test file uses its own task queue.
 */
const fs = require('node:fs');

// Browser tests drive Debian's Chromium (test/e2e/chromium.ts). On a developer's machine without it
// they are left out of the run — loudly, with the command that installs it. Under CI=true a missing
// Chromium fails the run instead: CI must never turn green without the browser tests.
const CHROMIUM_PATH = '/usr/bin/chromium';
const BROWSER_TESTS = '/test/e2e/web-ui';
const INSTALL_HINT = 'bash scripts/install-chromium.sh';
const chromiumMissing = !fs.existsSync(CHROMIUM_PATH);
if (chromiumMissing && process.env.CI === 'true') {
  throw new Error(
    `CI=true but ${CHROMIUM_PATH} is missing: the Web UI browser tests cannot run. Install it with: ${INSTALL_HINT}`,
  );
}
if (chromiumMissing) {
  const bar = '!'.repeat(96);
  console.warn(
    [
      '',
      bar,
      `!!! SKIPPING the Web UI browser tests (test/e2e/web-ui*.test.ts): ${CHROMIUM_PATH} is missing.`,
      `!!! Install Debian's Chromium with: ${INSTALL_HINT}`,
      bar,
      '',
    ].join('\n'),
  );
}

// The terminal test of `capacity --watch` drives tmux (test/e2e/capacity-watch-tmux.test.ts): the
// same rule — left out loudly on a developer's machine without it, a failed run under CI=true.
const TMUX_TESTS = '/test/e2e/capacity-watch-tmux';
const TMUX_HINT = 'bash scripts/install-tmux.sh';
/** Whether an executable of this name is in a directory of PATH (what a shell would find). */
const onPath = (name) => !!process.env.PATH?.split(':').some((dir) => dir && fs.existsSync(`${dir}/${name}`));
const tmuxMissing = !onPath('tmux');
if (tmuxMissing && process.env.CI === 'true') {
  throw new Error(
    `CI=true but tmux is not on PATH: the capacity --watch terminal test cannot run. Install it with: ${TMUX_HINT}`,
  );
}
if (tmuxMissing) {
  const bar = '!'.repeat(96);
  console.warn(
    [
      '',
      bar,
      '!!! SKIPPING the capacity --watch terminal test (test/e2e/capacity-watch-tmux.test.ts): tmux is not on PATH.',
      `!!! Install it with: ${TMUX_HINT}`,
      bar,
      '',
    ].join('\n'),
  );
}

// The alert and recording rules are checked and unit-tested with Prometheus's own promtool
// (test/ops/prometheus-rules.test.ts): the same rule — left out loudly on a developer's machine
// without it, a failed run under CI=true.
// …and the live scrape of the worker and the ingress is linted with `promtool check metrics`.
const PROMTOOL_TESTS = ['/test/ops/prometheus-rules', '/test/observability/live-metrics'];
const PROMTOOL_HINT = 'bash scripts/install-promtool.sh';
const promtoolMissing = !onPath('promtool');
if (promtoolMissing && process.env.CI === 'true') {
  throw new Error(
    `CI=true but promtool is not on PATH: the Prometheus rule tests cannot run. Install it with: ${PROMTOOL_HINT}`,
  );
}
if (promtoolMissing) {
  const bar = '!'.repeat(96);
  console.warn(
    [
      '',
      bar,
      '!!! SKIPPING the Prometheus rule tests and the live metrics lint (test/ops/prometheus-rules.test.ts, test/observability/live-metrics.test.ts): promtool is not on PATH.',
      `!!! Install it (Debian's prometheus package) with: ${PROMTOOL_HINT}`,
      bar,
      '',
    ].join('\n'),
  );
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(chromiumMissing ? [BROWSER_TESTS] : []),
    ...(tmuxMissing ? [TMUX_TESTS] : []),
    ...(promtoolMissing ? PROMTOOL_TESTS : []),
  ],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/setup-quiet-warnings.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
  // Two cores: the dev server, the simulator and the workers share them with jest.
  maxWorkers: 2,
  reporters: ['default'],
};
