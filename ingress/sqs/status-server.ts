/**
 * The SQS ingress takes no HTTP requests, but is run and watched like the HTTP one: it serves the
 * same /healthz, /readyz and /metrics (no POST /events) on INGRESS_HOST:INGRESS_PORT.
 */
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import Fastify from 'fastify';
import { registerHealthRoutes } from '../health-routes';
import type { IngressMetrics } from '../metrics';

export async function startStatusServer(options: {
  client: Client;
  namespace: string;
  metrics: IngressMetrics;
  host: string;
  port: number;
}): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  registerHealthRoutes(app, options);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${shownHost}:${address.port}`, close: () => app.close() };
}
