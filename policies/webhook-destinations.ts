/**
 * Where a webhook may send, decided by the worker's environment and never by the policy file:
 * whoever can edit policies must not be able to send a channel's secret, or the worker's requests,
 * anywhere they like. Two rules, each checked when the file is validated and again when a
 * notification is sent (./semantics.ts, activities/escalation.ts and activities/webhook-http.ts):
 *
 * - A secret goes only to the origins listed next to it: `<secretEnv>_ORIGINS`, comma-separated
 *   (`CONNECT_REMEDIATOR_SECRET_ONCALL_TOKEN_ORIGINS=https://hooks.example.com`). Whoever holds
 *   the secret says where it may go; listing origins in the YAML would let the same edit that
 *   changes the URL also change the list.
 * - No webhook reaches a loopback, private, link-local (the instance metadata service at
 *   169.254.169.254), unique-local, carrier-grade NAT, multicast or otherwise non-public address —
 *   checked on the literal address at validation and on every address DNS returns at send time —
 *   unless `CONNECT_REMEDIATOR_WEBHOOK_ALLOW_ADDRESSES` lists it (addresses or CIDR ranges).
 *
 * Pure (ipaddr.js is plain JavaScript): the parsing is shared by the validator and the worker.
 */
import ipaddr from 'ipaddr.js';

/** Addresses or CIDR ranges webhooks may reach although they are not public (a sidecar, a VPC receiver). */
export const WEBHOOK_ALLOW_ADDRESSES_VAR = 'CONNECT_REMEDIATOR_WEBHOOK_ALLOW_ADDRESSES';
export const ORIGINS_SUFFIX = '_ORIGINS';

/** `CONNECT_REMEDIATOR_SECRET_ONCALL_TOKEN` → `CONNECT_REMEDIATOR_SECRET_ONCALL_TOKEN_ORIGINS`. */
export function originsVar(secretEnv: string): string {
  return `${secretEnv}${ORIGINS_SUFFIX}`;
}

export type AddressRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

export interface WebhookRules {
  /** The origins a secret may be sent to (`<secretEnv>_ORIGINS`); undefined when that is not set. */
  secretOrigins(secretEnv: string): readonly string[] | undefined;
  /** Non-public addresses the operator allows. */
  allowedAddresses: readonly AddressRange[];
}

export interface ParsedList<T> {
  values: T[];
  /** Entries that are not what the list holds, as written. */
  invalid: string[];
}

const entries = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

/** `https://hooks.example.com, https://x.example:8443` → normalised origins (scheme://host[:port]). */
export function parseOrigins(value: string | undefined): ParsedList<string> {
  const parsed: ParsedList<string> = { values: [], invalid: [] };
  for (const entry of entries(value)) {
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    const bare =
      url &&
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      !url.username &&
      !url.password &&
      (url.pathname === '/' || url.pathname === '') &&
      !url.search &&
      !url.hash;
    if (bare) parsed.values.push(url.origin);
    else parsed.invalid.push(entry);
  }
  return parsed;
}

/** `127.0.0.0/8, ::1, 10.1.2.3` → ranges (a bare address is a range of one). */
export function parseAddressAllowList(value: string | undefined): ParsedList<AddressRange> {
  const parsed: ParsedList<AddressRange> = { values: [], invalid: [] };
  for (const entry of entries(value)) {
    if (ipaddr.isValidCIDR(entry)) parsed.values.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(entry)) {
      const address = ipaddr.parse(entry);
      parsed.values.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else parsed.invalid.push(entry);
  }
  return parsed;
}

export const ORIGINS_EXPECTED =
  'comma-separated origins such as https://hooks.example.com (scheme://host[:port])';
export const ADDRESSES_EXPECTED =
  'comma-separated IP addresses or CIDR ranges such as 127.0.0.1/32, 10.1.2.0/24, ::1';

/** The rules as an environment states them (the worker's config and the validator read the same). */
export function webhookRulesFromEnv(env: Record<string, string | undefined>): WebhookRules {
  return {
    secretOrigins: (secretEnv) => {
      const value = env[originsVar(secretEnv)];
      return value === undefined || value.trim() === '' ? undefined : parseOrigins(value).values;
    },
    allowedAddresses: parseAddressAllowList(env[WEBHOOK_ALLOW_ADDRESSES_VAR]).values,
  };
}

/** Nothing allowed: no secret goes anywhere, no non-public address is reached. */
export const NO_WEBHOOK_ALLOWANCES: WebhookRules = {
  secretOrigins: () => undefined,
  allowedAddresses: [],
};

const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  linkLocal: 'a link-local address (169.254.169.254 is the cloud instance metadata service)',
  uniqueLocal: 'a unique-local (private) IPv6 address',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
};

/**
 * Why a webhook may not reach `address` (an IP literal), or undefined when it may: public unicast
 * addresses, and the ranges the operator allows. IPv4-mapped IPv6 (::ffff:10.0.0.5) is judged as
 * the IPv4 address it carries.
 */
export function addressRefusal(address: string, allowed: readonly AddressRange[]): string | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  if (!ipaddr.isValid(bare)) return `"${address}" is not an IP address`;
  const ip = ipaddr.process(bare);
  const range = ip.range();
  if (range === 'unicast') return undefined;
  if (allowed.some(([base, bits]) => base.kind() === ip.kind() && ip.match(base, bits))) return undefined;
  const what = RANGE_WORDS[range] ?? `a non-public address (${range})`;
  return `${ip.toString()} is ${what}: webhooks reach public addresses only, unless ${WEBHOOK_ALLOW_ADDRESSES_VAR} in the worker's environment lists it`;
}

/** Names that are loopback by definition, without asking DNS (RFC 6761). */
function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * The check a URL's host can get without DNS (the validator's): an IP literal or `localhost`.
 * Other names are checked on what DNS returns, when the notification is sent.
 */
export function hostRefusal(hostname: string, allowed: readonly AddressRange[]): string | undefined {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.isValid(bare)) return addressRefusal(bare, allowed);
  if (!isLoopbackName(bare)) return undefined;
  // localhost is 127.0.0.1 or ::1: allowed when either is.
  const refusals = ['127.0.0.1', '::1'].map((address) => addressRefusal(address, allowed));
  return refusals.some((refusal) => refusal === undefined)
    ? undefined
    : `${hostname} is a loopback address: webhooks reach public addresses only, unless ${WEBHOOK_ALLOW_ADDRESSES_VAR} in the worker's environment lists it`;
}

/** Why `url` (already parsed) may not carry the secret in `secretEnv`, or undefined when it may. */
export function originRefusal(
  url: URL,
  secretEnv: string,
  origins: readonly string[] | undefined,
): string | undefined {
  if (origins?.includes(url.origin)) return undefined;
  const listed = origins?.length ? `it lists ${origins.join(', ')}` : 'it is not set';
  return (
    `the secret in ${secretEnv} may go only to the origins in ${originsVar(secretEnv)} (${listed}), ` +
    `not to ${url.origin}: expected that variable in the worker's environment to list ${url.origin} if this is where the secret belongs`
  );
}
