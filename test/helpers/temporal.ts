/** Connects test files to the run's shared dev server and runs real workers on private task queues. */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { installTemporalRuntime } from '../../worker/runtime';
import { testEnv } from './env';

export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface TestTemporal {
  address: string;
  namespace: string;
  uiUrl: string;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

export async function connectTestTemporal(): Promise<TestTemporal> {
  // ERROR: the activity failures tests provoke on purpose would otherwise flood the output.
  installTemporalRuntime('error');
  const address = testEnv('address');
  const namespace = testEnv('namespace');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    namespace,
    uiUrl: testEnv('uiUrl'),
    client: new Client({ connection, namespace }),
    connection,
    nativeConnection,
    close: async () => {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** A worker on the shared, pre-built bundle (production workflows + test fixtures). */
export function createTestWorker(
  temporal: TestTemporal,
  options: { taskQueue: string; activities?: object; identity?: string },
): Promise<Worker> {
  return Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities ?? {},
    workflowBundle: { codePath: testEnv('bundle') },
    ...(options.identity ? { identity: options.identity } : {}),
  });
}
