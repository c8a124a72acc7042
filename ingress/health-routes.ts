/** Liveness, readiness (Temporal reachable) and Prometheus metrics; none needs the API key. */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { IngressMetrics } from './metrics';

const READINESS_TIMEOUT_MS = 2000;

/** True when the Temporal frontend answers for our namespace within the readiness timeout. */
export async function temporalReachable(client: Client, namespace: string): Promise<boolean> {
  try {
    await client.withDeadline(Date.now() + READINESS_TIMEOUT_MS, () =>
      client.workflowService.describeNamespace({ namespace }),
    );
    return true;
  } catch {
    return false;
  }
}

export function registerHealthRoutes(
  app: FastifyInstance,
  options: { client: Client; namespace: string; metrics: IngressMetrics },
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) =>
    (await temporalReachable(options.client, options.namespace))
      ? { status: 'ready', temporal: 'reachable' }
      : reply.code(503).send({ status: 'not ready', temporal: 'unreachable' }),
  );

  app.get('/metrics', async (_request, reply) =>
    reply.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics()),
  );
}
