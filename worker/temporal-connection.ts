/**
 * Connection options for a local dev server, a self-hosted TLS cluster or Temporal Cloud (API key or
 * mTLS). Built from config only; the API key and key material never leave this module's callers.
 */
import fs from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalConfig } from './config';

function tlsOptions(temporal: TemporalConfig) {
  if (!temporal.tls && !temporal.apiKey) return undefined;
  const tls = temporal.tls;
  return {
    ...(tls?.caPath ? { serverRootCACertificate: fs.readFileSync(tls.caPath) } : {}),
    ...(tls?.certPath && tls.keyPath
      ? { clientCertPair: { crt: fs.readFileSync(tls.certPath), key: fs.readFileSync(tls.keyPath) } }
      : {}),
  };
}

export function clientConnectionOptions(temporal: TemporalConfig): ConnectionOptions {
  const tls = tlsOptions(temporal);
  return {
    address: temporal.address,
    ...(tls ? { tls } : {}),
    ...(temporal.apiKey ? { apiKey: temporal.apiKey } : {}),
  };
}

export function nativeConnectionOptions(temporal: TemporalConfig): NativeConnectionOptions {
  const tls = tlsOptions(temporal);
  return {
    address: temporal.address,
    ...(tls ? { tls } : {}),
    ...(temporal.apiKey ? { apiKey: temporal.apiKey } : {}),
  };
}

export function connectClient(temporal: TemporalConfig): Promise<Connection> {
  return Connection.connect(clientConnectionOptions(temporal));
}

export function connectWorker(temporal: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(nativeConnectionOptions(temporal));
}

/** For one-shot CLI commands: connect, use a client, always close; an unreachable server is named. */
export async function withClient<T>(
  temporal: TemporalConfig,
  use: (client: Client) => Promise<T>,
): Promise<T> {
  const connection = await connectClient(temporal).catch((err: Error) => {
    throw new Error(`cannot reach Temporal at ${temporal.address}: ${err.message}`);
  });
  try {
    return await use(new Client({ connection, namespace: temporal.namespace }));
  } finally {
    await connection.close();
  }
}
