/**
 * The shared secret an EventBridge connection (API-key auth) sends in a header. Compared in
 * constant time over fixed-length digests, so neither the key's content nor its length leaks
 * through response timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** A checker for one configured key; a repeated or missing header never matches. */
export function createApiKeyCheck(
  expectedKey: string,
): (presented: string | string[] | undefined) => boolean {
  const expected = digest(expectedKey);
  return (presented) => typeof presented === 'string' && timingSafeEqual(digest(presented), expected);
}

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

export class IngressConfigError extends Error {
  override name = 'IngressConfigError';
}

/**
 * Without a key, anyone who can reach the port can start runs: allowed only on loopback (local
 * development), where "anyone" is this machine.
 */
export function assertApiKeyPolicy(host: string, apiKey: string | undefined): void {
  if (apiKey || isLoopbackHost(host)) return;
  throw new IngressConfigError(
    `INGRESS_API_KEY is not set, and the ingress would listen on ${host}, which is not a loopback ` +
      'address. Set INGRESS_API_KEY to the key your EventBridge connection sends, or bind INGRESS_HOST=127.0.0.1.',
  );
}
