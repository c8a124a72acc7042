/** Environment variables global-setup hands to every test file (jest workers inherit them). */
export const TEST_ENV = {
  address: 'CR_TEST_TEMPORAL_ADDRESS',
  namespace: 'CR_TEST_TEMPORAL_NAMESPACE',
  uiUrl: 'CR_TEST_TEMPORAL_UI_URL',
  bundle: 'CR_TEST_WORKFLOW_BUNDLE',
  tmp: 'CR_TEST_TMP',
} as const;

export function testEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value)
    throw new Error(`${TEST_ENV[name]} is not set: run tests through jest (global-setup starts Temporal)`);
  return value;
}
