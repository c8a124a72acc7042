/**
 * Every workflow test runs against one real Temporal dev server that test/global-setup.ts starts
 * for the whole run (and global-teardown.ts stops); each test file uses its own task queue.
 */
const fs = require('node:fs');

/** Whether an executable of this name is in a directory of PATH (what a shell would find). */
const onPath = (name) => !!process.env.PATH?.split(':').some((dir) => dir && fs.existsSync(`${dir}/${name}`));

/**
 * Tests that need a tool the project's scripts install. On a developer's machine without it they
 * are left out of the run — loudly, with the command that installs it. Under CI=true a missing tool
 * fails the run instead: CI must never turn green without them. Returns the paths to leave out.
 */
function needingTool({ missing, why, skipped, install, tests }) {
  if (!missing) return [];
  if (process.env.CI === 'true')
    throw new Error(`CI=true but ${why}: ${skipped} cannot run. Install it with: ${install}`);
  const bar = '!'.repeat(96);
  console.warn(
    ['', bar, `!!! SKIPPING ${skipped}: ${why}.`, `!!! Install it with: ${install}`, bar, ''].join('\n'),
  );
  return tests;
}

// Browser tests drive Debian's Chromium (test/e2e/chromium.ts) through playwright-core.
const CHROMIUM_PATH = '/usr/bin/chromium';
const withoutChromium = needingTool({
  missing: !fs.existsSync(CHROMIUM_PATH),
  why: `${CHROMIUM_PATH} is missing`,
  skipped: 'the Web UI browser tests (test/e2e/web-ui*.test.ts)',
  install: 'bash scripts/install-chromium.sh',
  tests: ['/test/e2e/web-ui'],
});
// The terminal test of `capacity --watch` runs the command in tmux and reads its screen.
const withoutTmux = needingTool({
  missing: !onPath('tmux'),
  why: 'tmux is not on PATH',
  skipped: 'the capacity --watch terminal test (test/e2e/capacity-watch-tmux.test.ts)',
  install: 'bash scripts/install-tmux.sh',
  tests: ['/test/e2e/capacity-watch-tmux'],
});
// Prometheus's promtool checks and unit-tests the alert and recording rules, and lints the live
// scrape of the worker and the ingress (`promtool check metrics`).
const withoutPromtool = needingTool({
  missing: !onPath('promtool'),
  why: 'promtool is not on PATH',
  skipped:
    'the Prometheus rule tests and the live metrics lint (test/ops/prometheus-rules.test.ts, test/observability/live-metrics.test.ts)',
  install: "bash scripts/install-promtool.sh (Debian's prometheus package)",
  tests: ['/test/ops/prometheus-rules', '/test/observability/live-metrics'],
});

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...withoutChromium, ...withoutTmux, ...withoutPromtool],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/setup-quiet-warnings.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
  // Two cores: the dev server, the simulator and the workers share them with jest.
  maxWorkers: 2,
  reporters: ['default'],
};
