/**
 * The policy file the benchmark's worker reads: the shipped policies/policies.yaml with one policy
 * in front that sends the storm instance's quota failures to the capacity gate, plus the engine's
 * share of the API rate limits (`apiRateLimits`). Both changes are made on the parsed document, so
 * the rest of the shipped file — defaults, channels, comments — is what the product runs with.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { StormInstance } from '../../simulator/quota-storm';
import type { StormOptions } from './options';

/**
 * Until the policy schema knows `apiRateLimits`, the loader refuses the file with it; this variable
 * leaves the section out so the rest of the benchmark can be run against such an engine. It says so
 * in the JSON (`policyApiRateLimits: null`), since the engine then runs on its built-in budget.
 */
export const OMIT_API_RATE_LIMITS_ENV = 'BENCH_OMIT_API_RATE_LIMITS';

export interface ApiRateLimitsSection {
  share: number;
  operations?: { StartTaskContact: number; DescribeRule: number };
}

/** `--rate` names the limits AWS raised for the account; without it only the share is written. */
export function apiRateLimitsSection(options: Pick<StormOptions, 'rate' | 'share'>): ApiRateLimitsSection {
  return {
    share: options.share,
    ...(options.rate !== undefined
      ? { operations: { StartTaskContact: options.rate, DescribeRule: options.rate } }
      : {}),
  };
}

/** The one place the policy file gets `apiRateLimits` (top level, before `policies`). */
function withApiRateLimits(doc: YAML.Document, section: ApiRateLimitsSection): void {
  const node = doc.createNode(section) as YAML.YAMLMap;
  const operations = node.get('operations');
  if (YAML.isMap(operations)) operations.flow = true; // `operations: { StartTaskContact: 20, … }`
  const top = doc.contents as YAML.YAMLMap;
  const before = top.items.findIndex((pair) => YAML.isScalar(pair.key) && pair.key.value === 'policies');
  top.items.splice(before < 0 ? top.items.length : before, 0, doc.createPair('apiRateLimits', node));
}

export interface StormPolicies {
  yaml: string;
  /** What was written under `apiRateLimits`, or null when left out (OMIT_API_RATE_LIMITS_ENV). */
  apiRateLimits: ApiRateLimitsSection | null;
}

export function stormPolicies(
  instance: StormInstance,
  options: StormOptions,
  env: NodeJS.ProcessEnv = process.env,
): StormPolicies {
  const doc = YAML.parseDocument(
    fs.readFileSync(path.join(__dirname, '..', '..', 'policies', 'policies.yaml'), 'utf8'),
  );
  (doc.get('policies') as YAML.YAMLSeq).items.unshift(
    doc.createNode({
      name: 'bench-quota-storm',
      when: { instanceId: instance.instanceId, reasonCode: 'ServiceQuotaExceededException' },
      then: 'wait-for-capacity',
      capacity: { maxWait: '2h', then: 'escalate', source: options.source, quota: options.quota },
    }),
  );
  const omit = env[OMIT_API_RATE_LIMITS_ENV] === '1';
  const apiRateLimits = omit ? null : apiRateLimitsSection(options);
  if (apiRateLimits) withApiRateLimits(doc, apiRateLimits);
  return { yaml: doc.toString(), apiRateLimits };
}
