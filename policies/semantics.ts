/**
 * Checks that span more than one field: duplicate policy names, channel references, the
 * catch-all, inline secrets. They run on the raw parsed data — even when the schema found
 * problems elsewhere — so one `validate` run reports everything; each check skips values of the
 * wrong shape (the schema already reported those). Pure.
 */
import type { PolicyIssue, PolicyPath } from './errors';
import { closestMatch, looksLikeSecretKey, SECRET_ADVICE } from './hints';
import { ENV_VAR_PATTERN } from './schema';
import {
  isSecretEnvAllowed,
  secretEnvRefusal,
  secretValueProblem,
  sendsSecretInClear,
  urlFromEnv,
} from './secret-env';
import {
  hostRefusal,
  ORIGINS_EXPECTED,
  originRefusal,
  originsVar,
  parseOrigins,
  webhookRulesFromEnv,
} from './webhook-destinations';

type Raw = Record<string, unknown>;

const isMap = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const policiesOf = (data: Raw): unknown[] => (Array.isArray(data.policies) ? data.policies : []);

function duplicateNames(data: Raw): PolicyIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: PolicyIssue[] = [];
  policiesOf(data).forEach((policy, index) => {
    if (!isMap(policy) || typeof policy.name !== 'string') return;
    const earlier = firstIndex.get(policy.name);
    if (earlier === undefined) firstIndex.set(policy.name, index);
    else
      issues.push({
        path: ['policies', index, 'name'],
        message: `duplicate policy name "${policy.name}" (policies[${earlier}] has it too): expected a unique name`,
      });
  });
  return issues;
}

function channelReferences(data: Raw): PolicyIssue[] {
  const defined = isMap(data.channels) ? Object.keys(data.channels) : [];
  const referencing: PolicyPath[] = [
    ['defaults', 'escalateTo'],
    ['defaults', 'fallbackChannel'],
  ];
  policiesOf(data).forEach((_, index) => referencing.push(['policies', index, 'escalateTo']));
  const issues: PolicyIssue[] = [];
  for (const path of referencing) {
    const value = valueAt(data, path);
    const names = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    names.forEach((name, i) => {
      if (typeof name !== 'string' || defined.includes(name)) return;
      const suggestion = closestMatch(name, defined);
      issues.push({
        path: typeof value === 'string' ? path : [...path, i],
        message:
          `unknown channel "${name}": ` +
          (suggestion ? `did you mean "${suggestion}"? ` : '') +
          (defined.length
            ? `expected one of ${defined.join(', ')}`
            : 'no channels are defined (add them under channels)'),
      });
    });
  }
  return issues;
}

const isCatchAll = (policy: unknown): boolean =>
  isMap(policy) && isMap(policy.when) && Object.keys(policy.when).length === 0;

function catchAll(data: Raw): PolicyIssue[] {
  const policies = policiesOf(data);
  if (policies.length === 0) return []; // the schema reports a missing or empty list
  const first = policies.findIndex(isCatchAll);
  if (first === -1) {
    const last = policies.length - 1;
    return [
      {
        path: ['policies', last, ...(isMap(policies[last]) && 'when' in policies[last] ? ['when'] : [])],
        message:
          'no catch-all: expected the last policy to have `when: {}`, so events no policy expects ' +
          '(new reason codes or action types) are still handled',
      },
    ];
  }
  const catchAllName = (policies[first] as Raw).name;
  return policies.slice(first + 1).map((_, offset) => ({
    path: ['policies', first + 1 + offset],
    message:
      `unreachable: the catch-all policies[${first}]` +
      (typeof catchAllName === 'string' ? ` ("${catchAllName}")` : '') +
      ' above matches every event; expected the catch-all to be the last policy',
  }));
}

function capacityWithoutWaiting(data: Raw): PolicyIssue[] {
  return policiesOf(data).flatMap((policy, index) =>
    isMap(policy) &&
    policy.capacity !== undefined &&
    typeof policy.then === 'string' &&
    policy.then !== 'wait-for-capacity'
      ? [
          {
            path: ['policies', index, 'capacity'],
            message: `capacity applies only to then: wait-for-capacity (this policy's then is "${policy.then}"): remove it or change then`,
            at: 'key' as const,
          },
        ]
      : [],
  );
}

/** Credentials in a webhook URL (user:password@ or a token-like query parameter). */
function secretsInUrls(data: Raw): PolicyIssue[] {
  if (!isMap(data.channels)) return [];
  return Object.entries(data.channels).flatMap(([name, channel]) => {
    if (!isMap(channel) || typeof channel.url !== 'string' || !URL.canParse(channel.url)) return [];
    const url = new URL(channel.url);
    const secretParam = [...url.searchParams.keys()].find(looksLikeSecretKey);
    if (!url.password && !url.username && !secretParam) return [];
    return [
      {
        path: ['channels', name, 'url'],
        message: `the URL carries a credential (${secretParam ? `query parameter "${secretParam}"` : 'user:password@'}): ${SECRET_ADVICE}`,
      },
    ];
  });
}

/**
 * Webhooks: which variables they may read (./secret-env.ts), where they may send (the environment's
 * rules, ./webhook-destinations.ts), and that a secret travels only over https. Checked with what
 * the validating environment knows: a URL in urlEnv and a secret's value only when they are set
 * there; a secret's origins whenever the secret or its `_ORIGINS` is set. The worker checks it all
 * again when it sends, whatever the validator could see.
 */
function webhookChannels(data: Raw, options: CrossFieldOptions): PolicyIssue[] {
  if (!isMap(data.channels)) return [];
  const allowList = options.secretEnvAllowList ?? [];
  const env = options.environment ?? {};
  const rules = webhookRulesFromEnv(env);
  return Object.entries(data.channels).flatMap(([name, channel]) => {
    if (!isMap(channel) || channel.type !== 'webhook') return [];
    const at = (field: string): PolicyPath => ['channels', name, field];
    const issues: PolicyIssue[] = [];
    const envName = (field: 'secretEnv' | 'urlEnv'): string | undefined => {
      const value = channel[field];
      // A value that is not a variable name at all was reported by the schema.
      if (typeof value !== 'string' || !ENV_VAR_PATTERN.test(value)) return undefined;
      if (isSecretEnvAllowed(value, allowList)) return value;
      issues.push({ path: at(field), message: secretEnvRefusal(value) });
      return undefined;
    };
    const secretEnv = envName('secretEnv');
    const urlEnv = envName('urlEnv');

    // Where it would send: the URL as written, or the one urlEnv holds here (never quoted back).
    let target: { url: URL; field: 'url' | 'urlEnv' } | undefined;
    if (channel.url !== undefined && channel.urlEnv !== undefined) {
      issues.push({
        path: at('urlEnv'),
        message:
          'url and urlEnv are both set: expected exactly one (urlEnv when the URL is itself a credential)',
        at: 'key',
      });
    } else if (channel.url === undefined && channel.urlEnv === undefined) {
      issues.push({
        path: ['channels', name],
        message: 'required: expected url, or urlEnv naming the environment variable that holds the URL',
      });
    } else if (typeof channel.url === 'string' && URL.canParse(channel.url)) {
      target = { url: new URL(channel.url), field: 'url' };
    } else if (urlEnv && env[urlEnv] !== undefined) {
      const held = urlFromEnv(urlEnv, env[urlEnv]!);
      if ('problem' in held) issues.push({ path: at('urlEnv'), message: held.problem });
      else target = { url: held.url, field: 'urlEnv' };
    }

    if (target) {
      const refusal = hostRefusal(target.url.hostname, rules.allowedAddresses);
      if (refusal) issues.push({ path: at(target.field), message: refusal });
    }
    if (secretEnv === undefined) return issues;

    if (target && sendsSecretInClear(target.url.href)) {
      issues.push({
        path: at(target.field),
        message:
          'a webhook with a secret must use https: expected an https:// URL (plain http only to a ' +
          'loopback address), so the bearer token is never sent in clear text',
      });
    }
    const secret = env[secretEnv];
    const originsValue = env[originsVar(secretEnv)];
    const listed = parseOrigins(originsValue);
    if (listed.invalid.length) {
      issues.push({
        path: at('secretEnv'),
        message: `${originsVar(secretEnv)} holds ${listed.invalid.map((o) => JSON.stringify(o)).join(', ')}: expected ${ORIGINS_EXPECTED}`,
      });
    } else if (target && (secret !== undefined || originsValue !== undefined)) {
      const refusal = originRefusal(target.url, secretEnv, rules.secretOrigins(secretEnv));
      if (refusal) issues.push({ path: at(target.field), message: refusal });
    }
    const problem = secret === undefined ? undefined : secretValueProblem(secretEnv, secret);
    if (problem) issues.push({ path: at('secretEnv'), message: problem });
    return issues;
  });
}

/** Secret-looking names in the free-form maps (task attributes and references). */
function secretsInReissueMaps(data: Raw): PolicyIssue[] {
  const owners: PolicyPath[] = [['defaults', 'reissue']];
  policiesOf(data).forEach((_, index) => owners.push(['policies', index, 'reissue']));
  return owners.flatMap((owner) =>
    (['attributes', 'references'] as const).flatMap((field) => {
      const map = valueAt(data, [...owner, field]);
      if (!isMap(map)) return [];
      return Object.keys(map)
        .filter(looksLikeSecretKey)
        .map((key) => ({
          path: [...owner, field, key],
          message: `"${key}" looks like an inline secret: ${SECRET_ADVICE}`,
          at: 'key' as const,
        }));
    }),
  );
}

function valueAt(data: unknown, path: PolicyPath): unknown {
  let value = data;
  for (const segment of path) {
    if (typeof segment === 'number' ? !Array.isArray(value) : !isMap(value)) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

export interface CrossFieldOptions {
  /** Names outside the secret prefix the worker's environment allows (CONNECT_REMEDIATOR_SECRET_VARS). */
  secretEnvAllowList?: readonly string[];
  /**
   * The validating process's environment, for what only it can say: where secrets may go, the
   * non-public addresses allowed, a urlEnv's URL, a secret's value (none of them is ever quoted
   * back in a message). Absent: nothing is set, nothing allowed.
   */
  environment?: Record<string, string | undefined>;
}

export function crossFieldIssues(data: unknown, options: CrossFieldOptions = {}): PolicyIssue[] {
  if (!isMap(data)) return [];
  return [
    ...duplicateNames(data),
    ...channelReferences(data),
    ...catchAll(data),
    ...capacityWithoutWaiting(data),
    ...secretsInUrls(data),
    ...webhookChannels(data, options),
    ...secretsInReissueMaps(data),
  ];
}
