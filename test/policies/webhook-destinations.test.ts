/**
 * Validation of webhook destinations against the environment the file is validated in (the
 * worker's): where a secret may go, which addresses are reachable, and urlEnv. The corpus
 * (test/fixtures/broken-policies/webhook-*.yaml.txt) holds the refusals; here, what passes and why.
 */
import { describeChannel } from '../../policies/explain';
import { parsePolicyText } from '../../policies/load.node';
import { addressRefusal, parseAddressAllowList, parseOrigins } from '../../policies/webhook-destinations';
import { validPolicyYaml } from './fixtures';

const withChannel = (channel: string) => validPolicyYaml({ channels: `  hook: ${channel}\n` });
const errorsOf = (text: string, env: Record<string, string>) => {
  const result = parsePolicyText(text, 'policies.yaml', env);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
};
const SECRET = { CONNECT_REMEDIATOR_SECRET_HOOK: 'hook-token-1' };
const secretHook = (url: string) =>
  withChannel(`{ type: webhook, url: "${url}", secretEnv: CONNECT_REMEDIATOR_SECRET_HOOK }`);

test('a secret to an origin listed next to it passes; the same file with another origin listed does not', () => {
  const text = secretHook('https://hooks.example.com/x');
  expect(
    errorsOf(text, { ...SECRET, CONNECT_REMEDIATOR_SECRET_HOOK_ORIGINS: 'https://hooks.example.com' }),
  ).toEqual([]);
  expect(
    errorsOf(text, { ...SECRET, CONNECT_REMEDIATOR_SECRET_HOOK_ORIGINS: 'https://other.example' }),
  ).toEqual([
    expect.stringMatching(
      /^channels\.hook\.url: the secret in CONNECT_REMEDIATOR_SECRET_HOOK may go only to/,
    ),
  ]);
});

test('a set secret without its _ORIGINS goes nowhere: refused, saying which variable to set', () => {
  expect(errorsOf(secretHook('https://hooks.example.com/x'), SECRET)).toEqual([
    "channels.hook.url: the secret in CONNECT_REMEDIATOR_SECRET_HOOK may go only to the origins in CONNECT_REMEDIATOR_SECRET_HOOK_ORIGINS (it is not set), not to https://hooks.example.com: expected that variable in the worker's environment to list https://hooks.example.com if this is where the secret belongs",
  ]);
});

test('where neither the secret nor its origins are set, validation cannot judge; sending will refuse', () => {
  expect(errorsOf(secretHook('https://evil.example/x'), {})).toEqual([]);
});

test('an origins list that does not parse is refused with what was expected', () => {
  expect(
    errorsOf(secretHook('https://hooks.example.com/x'), {
      CONNECT_REMEDIATOR_SECRET_HOOK_ORIGINS: 'hooks.example.com/x',
    }),
  ).toEqual([
    'channels.hook.secretEnv: CONNECT_REMEDIATOR_SECRET_HOOK_ORIGINS holds "hooks.example.com/x": expected comma-separated origins such as https://hooks.example.com (scheme://host[:port])',
  ]);
});

test('loopback and private addresses pass only where CONNECT_REMEDIATOR_WEBHOOK_ALLOW_ADDRESSES lists them', () => {
  const text = withChannel('{ type: webhook, url: "http://127.0.0.1:9000/hook" }');
  expect(errorsOf(text, {})).toEqual([expect.stringMatching(/127\.0\.0\.1 is a loopback address/)]);
  expect(errorsOf(text, { CONNECT_REMEDIATOR_WEBHOOK_ALLOW_ADDRESSES: '127.0.0.0/8' })).toEqual([]);
  const internal = withChannel('{ type: webhook, url: "https://10.1.2.3/hook" }');
  expect(errorsOf(internal, { CONNECT_REMEDIATOR_WEBHOOK_ALLOW_ADDRESSES: '10.1.2.0/24' })).toEqual([]);
  expect(errorsOf(internal, { CONNECT_REMEDIATOR_WEBHOOK_ALLOW_ADDRESSES: '10.9.0.0/16' })).toEqual([
    expect.stringMatching(/10\.1\.2\.3 is a private address/),
  ]);
});

test('urlEnv: the URL is checked where it is set and never quoted; policies explain names the variable only', () => {
  const text = withChannel('{ type: webhook, urlEnv: CONNECT_REMEDIATOR_SECRET_SLACK_URL }');
  const slack = 'https://hooks.slack.com/services/T1/B1/abcSECRET';
  expect(errorsOf(text, { CONNECT_REMEDIATOR_SECRET_SLACK_URL: slack })).toEqual([]);
  const local = errorsOf(text, {
    CONNECT_REMEDIATOR_SECRET_SLACK_URL: 'https://10.0.0.5/services/T1/B1/abcSECRET',
  });
  expect(local).toEqual([expect.stringMatching(/^channels\.hook\.urlEnv: 10\.0\.0\.5 is a private address/)]);
  expect(local.join()).not.toContain('abcSECRET');

  const result = parsePolicyText(text, 'policies.yaml', { CONNECT_REMEDIATOR_SECRET_SLACK_URL: slack });
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  expect(result.set.channels.hook).toEqual({
    name: 'hook',
    type: 'webhook',
    urlEnv: 'CONNECT_REMEDIATOR_SECRET_SLACK_URL',
  });
  expect(describeChannel(result.set.channels.hook!)).toBe(
    'hook (webhook URL from $CONNECT_REMEDIATOR_SECRET_SLACK_URL)',
  );
  expect(JSON.stringify(result.set)).not.toContain('abcSECRET');
});

describe('the parsing both sides share', () => {
  test('origins are normalised; paths, credentials and other schemes are not origins', () => {
    expect(
      parseOrigins(
        ' https://Hooks.Example.com:443 , http://127.0.0.1:9000/ ,ftp://x, https://a/b, https://u:p@h',
      ),
    ).toEqual({
      values: ['https://hooks.example.com', 'http://127.0.0.1:9000'],
      invalid: ['ftp://x', 'https://a/b', 'https://u:p@h'],
    });
  });

  test('addresses: public unicast passes; the allow-list takes addresses and ranges of both families', () => {
    const allowed = parseAddressAllowList('127.0.0.1, 10.1.0.0/16, fd12::/16, nonsense');
    expect(allowed.invalid).toEqual(['nonsense']);
    expect(addressRefusal('93.184.215.14', [])).toBeUndefined();
    expect(addressRefusal('2606:4700::1', [])).toBeUndefined();
    expect(addressRefusal('127.0.0.1', allowed.values)).toBeUndefined();
    expect(addressRefusal('127.0.0.2', allowed.values)).toMatch(/loopback/);
    expect(addressRefusal('10.1.200.7', allowed.values)).toBeUndefined();
    expect(addressRefusal('fd12::5', allowed.values)).toBeUndefined();
    expect(addressRefusal('::ffff:169.254.169.254', allowed.values)).toMatch(
      /169\.254\.169\.254 is a link-local/,
    );
  });
});
