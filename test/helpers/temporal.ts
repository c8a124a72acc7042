/** Connects test files to the run's shared dev server and runs real workers on private task queues. */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { installTemporalRuntime } from '../../worker/runtime';
import { testEnv } from './env';
import { engineMetricsSinks } from '../../worker/engine-metrics';

/** Longer than the client's retries of one call take (its default policy gives up within ~20 s). */
const CLIENT_CLOSE_DELAY_MS = 60_000;

/**
 * Closes a client Connection once any call still retrying has run its course. The client's gRPC
 * retry interceptor schedules retries with setTimeout and Connection.close() does not clear them:
 * a retry due after close throws "Channel has been shut down" inside the timer — an uncaught
 * exception that fails whichever test file the jest worker runs next (e.g. an Update the server
 * aborted during a storm, or a start the ingress gave up on with a 503, retried as a file ended).
 * Unref'd, the delay never holds the worker process.
 */
export function closeLater(connection: Connection): void {
  setTimeout(() => void connection.close().catch(() => undefined), CLIENT_CLOSE_DELAY_MS).unref();
}

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
      await nativeConnection.close();
      closeLater(connection);
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
    sinks: engineMetricsSinks(),
    ...(options.identity ? { identity: options.identity } : {}),
  });
}
