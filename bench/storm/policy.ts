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

/** The one place the policy file's `apiRateLimits` is set (replacing the shipped section). */
function withApiRateLimits(doc: YAML.Document, section: ApiRateLimitsSection): void {
  const node = doc.createNode(section) as YAML.YAMLMap;
  const operations = node.get('operations');
  if (YAML.isMap(operations)) operations.flow = true; // `operations: { StartTaskContact: 20, … }`
  doc.setIn(['apiRateLimits'], node);
}

export interface StormPolicies {
  yaml: string;
  /** What was written under `apiRateLimits`. */
  apiRateLimits: ApiRateLimitsSection;
}

export function stormPolicies(instance: StormInstance, options: StormOptions): StormPolicies {
  const doc = YAML.parseDocument(
    fs.readFileSync(path.join(__dirname, '..', '..', 'policies', 'policies.yaml'), 'utf8'),
  );
  (doc.get('policies') as YAML.YAMLSeq).items.unshift(
    doc.createNode({
      name: 'bench-quota-storm',
      when: { instanceId: instance.instanceId, reasonCode: 'ServiceQuotaExceededException' },
      then: 'wait-for-capacity',
      // Longer than any drain the benchmark makes: at AWS's default rate, 10,000 re-issues take hours.
      capacity: { maxWait: '24h', then: 'escalate', source: options.source, quota: options.quota },
    }),
  );
  const apiRateLimits = apiRateLimitsSection(options);
  withApiRateLimits(doc, apiRateLimits);
  return { yaml: doc.toString(), apiRateLimits };
}
