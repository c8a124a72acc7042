import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__TEMPORAL_TEST_SERVER__?.stop();
  if (globalThis.__TEMPORAL_TEST_TMP__)
    fs.rmSync(globalThis.__TEMPORAL_TEST_TMP__, { recursive: true, force: true });
  console.log('[tests] Temporal dev server stopped');
}
