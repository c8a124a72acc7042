/** Policy texts and files shared by the policy tests. */
import fs from 'node:fs';
import path from 'node:path';
import { formatPolicyError, type PolicyError } from '../../policies/errors';
import { matchFactsOf } from '../../policies/facts';
import { parsePolicySet } from '../../policies/load';
import type { PolicySet } from '../../policies/policy-set';
import type { MatchFacts } from '../../policies/types';
import { loadSampleEvent } from '../helpers/events';

export const REPO_ROOT = path.join(__dirname, '..', '..');
export const SHIPPED_POLICIES = path.join(REPO_ROOT, 'policies', 'policies.yaml');
export const BROKEN_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'broken-policies');
export const POLICY_FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'policies');

/**
 * Every broken file with its sidecar of expected, formatted errors. They are named `*.yaml.txt`
 * so that Prettier (which would choke on, or "fix", the deliberate mistakes) leaves them alone.
 */
export function brokenPolicyFiles(): { yaml: string; expected: string }[] {
  return fs
    .readdirSync(BROKEN_DIR)
    .filter((file) => file.endsWith('.yaml.txt'))
    .sort()
    .map((yaml) => ({ yaml, expected: yaml.replace(/\.yaml\.txt$/, '.expected') }));
}

/**
 * The environment the corpus is validated in, as a worker's would be: one secret with the origin
 * it may go to, a Slack-style URL held in a variable, a secret with a trailing newline. Loopback
 * and private addresses are not allowed here.
 */
export const CORPUS_ENVIRONMENT: Record<string, string> = {
  CONNECT_REMEDIATOR_SECRET_PAGER_TOKEN: 'pager-token-7d1c',
  CONNECT_REMEDIATOR_SECRET_PAGER_TOKEN_ORIGINS: 'https://pager.example.com',
  CONNECT_REMEDIATOR_SECRET_SLACK_URL: 'https://hooks.slack.com/services/T0000/B0000/slack-url-secret-91f2',
  CONNECT_REMEDIATOR_SECRET_NEWLINE_TOKEN: 'newline-token-55aa\n',
  CONNECT_REMEDIATOR_SECRET_NEWLINE_TOKEN_ORIGINS: 'https://pager.example.com',
};

/**
 * A small valid policy file: two channels (ops-bus, on-call), defaults escalating to ops-bus, the
 * given policies and a final catch-all. Policies are YAML lines indented as list items.
 */
export function validPolicyYaml(
  options: { defaults?: string; channels?: string; policies?: string[]; catchAll?: boolean } = {},
): string {
  return [
    'version: 1',
    (options.defaults ?? 'defaults:\n  escalateTo: [ops-bus]\n').trimEnd(),
    'channels:',
    '  ops-bus: { type: eventbridge, eventBusName: connect-ops }',
    '  on-call: { type: webhook, url: https://example.invalid/hook, secretEnv: CONNECT_REMEDIATOR_SECRET_ONCALL_TOKEN }',
    ...(options.channels ? [options.channels.trimEnd()] : []),
    'policies:',
    ...(options.policies ?? []),
    ...(options.catchAll === false ? [] : ['  - name: catch-all', '    when: {}', '    then: escalate']),
    '',
  ].join('\n');
}

/** The set a valid text loads to (hash "test"); throws with the formatted errors otherwise. */
export function loadPolicySet(text: string): PolicySet {
  const result = parsePolicySet(text, 'policies.yaml', { hash: 'test' });
  if (!result.ok) throw new Error(result.errors.map(formatPolicyError).join('\n'));
  return result.set;
}

/** The errors an invalid text gives; throws when it loads. */
export function policyErrors(text: string): PolicyError[] {
  const result = parsePolicySet(text, 'policies.yaml');
  if (result.ok) throw new Error('expected the policy text to be rejected');
  return result.errors;
}

/** The facts of the AWS sample event (CREATE_TASK, ResourceNotFoundException, retryable false), overridden. */
export function sampleFacts(overrides: Partial<MatchFacts> = {}): MatchFacts {
  return { ...matchFactsOf(loadSampleEvent()), ...overrides };
}

/** A throttled CREATE_TASK that AWS says may be retried. */
export const throttledFacts = (overrides: Partial<MatchFacts> = {}): MatchFacts =>
  sampleFacts({ reasonCode: 'ThrottlingException', error: 'Rate exceeded', retryable: true, ...overrides });
