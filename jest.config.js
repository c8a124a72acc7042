/**
 * Every workflow test runs against one real Temporal dev server that test/global-setup.ts starts
 * for the whole run (and global-teardown.ts stops); each test file uses its own task queue.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/setup-quiet-warnings.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
  // Two cores: the dev server, the simulator and the workers share them with jest.
  maxWorkers: 2,
  reporters: ['default'],
};
