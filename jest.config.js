/**
 * Every workflow test runs against one real Temporal dev server that test/global-setup.ts starts
 * for the whole run (and global-teardown.ts stops); each test file uses its own task queue.
 */
const fs = require('node:fs');

// Browser tests drive Debian's Chromium (test/inspection/chromium.ts). Where it is not installed
// they are left out of the run — loudly, with the command that installs it; CI installs it first.
const CHROMIUM_PATH = '/usr/bin/chromium';
const BROWSER_TESTS = '/test/inspection/web-ui';
const chromiumMissing = !fs.existsSync(CHROMIUM_PATH);
if (chromiumMissing) {
  const bar = '!'.repeat(96);
  console.warn(
    [
      '',
      bar,
      `!!! SKIPPING the Web UI browser tests (test/inspection/web-ui*.test.ts): ${CHROMIUM_PATH} is missing.`,
      "!!! Install Debian's Chromium with: bash scripts/install-chromium.sh",
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
  testPathIgnorePatterns: ['/node_modules/', ...(chromiumMissing ? [BROWSER_TESTS] : [])],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/setup-quiet-warnings.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
  // Two cores: the dev server, the simulator and the workers share them with jest.
  maxWorkers: 2,
  reporters: ['default'],
};
