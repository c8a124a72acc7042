/**
 * The HTTP client of webhook channels. It connects only to addresses the worker's environment
 * allows (policies/webhook-destinations.ts): an IP literal is checked before any socket opens, a
 * host name on every address DNS returns for it — inside the connection's own lookup, so the
 * address checked is the address connected to (a name that resolves differently a moment later
 * cannot slip past). It never follows redirects, gives up with the caller's signal, and reads at
 * most MAX_RESPONSE_BYTES of an answer: nothing a receiver sends back can fill memory.
 *
 * Built on node:http(s) rather than fetch: `lookup` is the documented place to decide what a
 * request connects to, and fetch (undici) offers it only through a separately installed dispatcher.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressRefusal, hostRefusal, type AddressRange } from '../policies/webhook-destinations';

/** How escalations post to a webhook: the client below in production, a fake in unit tests. */
export interface HttpPost {
  (
    url: string,
    init: {
      method: 'POST';
      headers: Record<string, string>;
      body: string;
      signal?: AbortSignal;
      /** Redirects are answered, never followed: a redirect must not carry the secret elsewhere. */
      redirect: 'manual';
    },
  ): Promise<{
    ok: boolean;
    status: number;
    /** The status line's reason phrase ("Forbidden"), where the server sent one. */
    statusText?: string;
    contentType?: string;
    text(): Promise<string>;
  }>;
}

/** Enough for any error a receiver explains itself with; the rest is not read. */
export const MAX_RESPONSE_BYTES = 4096;

/** A destination the environment does not allow: configuration must change, a retry would not help. */
export class DestinationRefused extends Error {
  override name = 'DestinationRefused';
}

export interface WebhookHttpOptions {
  allowedAddresses: readonly AddressRange[];
  /** DNS (tests hand in their own answers; production uses the system resolver, as every client does). */
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

const systemResolve = (hostname: string) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * A `lookup` for net.connect that refuses the whole name when any address DNS gives for it is not
 * allowed (a name that mixes public and private answers is not one to trust with a secret).
 */
function checkingLookup(options: WebhookHttpOptions): LookupFunction {
  const resolve = options.resolve ?? systemResolve;
  return (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refusal = addresses.length
          ? addresses.map((a) => addressRefusal(a.address, options.allowedAddresses)).find(Boolean)
          : `${hostname} has no address`;
        if (refusal) {
          callback(new DestinationRefused(`${hostname} resolves to ${refusal}`), '', 0);
          return;
        }
        if (lookupOptions.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

export function createWebhookHttp(options: WebhookHttpOptions): HttpPost {
  const lookup = checkingLookup(options);
  return (url, init) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      // IP literals never reach `lookup`: they are checked here, before any socket opens.
      const refusal = hostRefusal(target.hostname, options.allowedAddresses);
      if (refusal) {
        reject(new DestinationRefused(refusal));
        return;
      }
      const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
      if (!client) {
        reject(new DestinationRefused(`${target.protocol} is not http or https`));
        return;
      }
      const request = client.request(
        target,
        {
          method: init.method,
          headers: init.headers,
          lookup,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let length = 0;
          response.on('data', (chunk: Buffer) => {
            if (length >= MAX_RESPONSE_BYTES) return;
            chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - length));
            length += chunk.length;
            // What is beyond the cap is never read: the connection goes.
            if (length >= MAX_RESPONSE_BYTES) response.destroy();
          });
          const settle = () => {
            const status = response.statusCode ?? 0;
            const body = Buffer.concat(chunks).toString('utf8');
            resolve({
              ok: status >= 200 && status < 300,
              status,
              statusText: response.statusMessage ?? '',
              contentType: String(response.headers['content-type'] ?? ''),
              text: () => Promise.resolve(body),
            });
          };
          response.on('end', settle);
          response.on('close', settle); // destroyed at the cap: what was read is the answer
          response.on('error', () => settle());
        },
      );
      request.on('error', reject);
      request.end(init.body);
    });
}
