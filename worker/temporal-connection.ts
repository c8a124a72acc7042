/**
 * Connection options for a local dev server, a self-hosted TLS cluster or Temporal Cloud (API key or
 * mTLS), built from the profile in config by @temporalio/envconfig's own mapping, so a
 * `temporal.toml` profile means here what it means to the `temporal` CLI.
 */
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { toClientOptions } from '@temporalio/envconfig';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalConfig } from './config';

/** Connection options from the loaded profile (TLS files are read here, at connect time). */
export function nativeConnectionOptions(temporal: TemporalConfig): NativeConnectionOptions {
  const { connectionOptions } = toClientOptions({ ...temporal.profile, address: temporal.address });
  return Object.fromEntries(
    Object.entries(connectionOptions).filter(([, value]) => value !== undefined),
  ) as NativeConnectionOptions;
}

export function clientConnectionOptions(temporal: TemporalConfig): ConnectionOptions {
  const { address, tls, apiKey, metadata } = nativeConnectionOptions(temporal);
  return {
    address,
    ...(tls !== undefined ? { tls } : {}),
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
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
