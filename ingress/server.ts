/** Binds the ingress app to a port, enforcing the API-key rule first. */
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Config } from '../worker/config';
import type { Logger } from '../worker/logger';
import type { StartTarget } from './start-remediation';
import { assertApiKeyPolicy } from './api-key';
import { createIngressApp } from './app';

export interface StartIngressOptions {
  client: Client;
  temporal: StartTarget;
  ingress: Config['ingress'];
  logger?: Logger;
  startTimeoutMs?: number;
}

export interface RunningIngress {
  /** e.g. http://127.0.0.1:8080 — POST `${url}/events`. */
  url: string;
  close(): Promise<void>;
}

export async function startIngress(options: StartIngressOptions): Promise<RunningIngress> {
  const { host, port, apiKey } = options.ingress;
  assertApiKeyPolicy(host, apiKey);
  if (!apiKey) {
    options.logger?.warn(
      `INGRESS_API_KEY is not set: POST /events accepts requests without a key. That is allowed only ` +
        `because the ingress listens on the loopback address ${host}; set it before exposing the port.`,
    );
  }
  const app = createIngressApp(options);
  await app.listen({ host, port });
  const address = app.server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${shownHost}:${address.port}`, close: () => app.close() };
}
