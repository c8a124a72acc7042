/**
 * worker/config.ts: the one place that reads the environment. Temporal connection settings follow
 * the SDK's own conventions (@temporalio/envconfig: a temporal.toml profile, TEMPORAL_PROFILE,
 * TEMPORAL_CONFIG_FILE, the standard variables), and the variables this README documented first
 * keep working.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../worker/config';
import { clientConnectionOptions } from '../../worker/temporal-connection';

let dir: string;
let toml: string;
// A HOME without a temporal.toml, so a developer's own profile never leaks into these cases.
const base = () => ({ HOME: dir });

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-config-'));
  toml = path.join(dir, 'temporal.toml');
  fs.writeFileSync(
    toml,
    [
      '[profile.default]',
      'address = "toml-host:7233"',
      'namespace = "toml-ns"',
      '',
      '[profile.cloud]',
      'address = "ns.acct.tmprl.cloud:7233"',
      'namespace = "ns.acct"',
      'api_key = "key-from-toml"',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'client.crt'), 'CERT');
  fs.writeFileSync(path.join(dir, 'client.key'), 'KEY');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('defaults: the local dev server, started by `dev`', () => {
  const { temporal } = loadConfig(base());
  expect(temporal).toMatchObject({ address: 'localhost:7233', namespace: 'default', addressExplicit: false });
  expect(clientConnectionOptions(temporal)).toEqual({ address: 'localhost:7233' });
});

test('TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, as the temporal CLI reads them', () => {
  const { temporal } = loadConfig({
    ...base(),
    TEMPORAL_ADDRESS: 'temporal.internal:7233',
    TEMPORAL_NAMESPACE: 'ops',
  });
  expect(temporal).toMatchObject({
    address: 'temporal.internal:7233',
    namespace: 'ops',
    addressExplicit: true,
  });
});

test('a temporal.toml profile chosen by TEMPORAL_PROFILE (API key implies TLS)', () => {
  const { temporal } = loadConfig({ ...base(), TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'cloud' });
  expect(temporal).toMatchObject({
    address: 'ns.acct.tmprl.cloud:7233',
    namespace: 'ns.acct',
    addressExplicit: true,
  });
  expect(clientConnectionOptions(temporal)).toEqual({
    address: 'ns.acct.tmprl.cloud:7233',
    apiKey: 'key-from-toml',
    tls: true,
  });
});

test('environment variables override the profile, as in the temporal CLI', () => {
  const { temporal } = loadConfig({ ...base(), TEMPORAL_CONFIG_FILE: toml, TEMPORAL_NAMESPACE: 'override' });
  expect(temporal).toMatchObject({ address: 'toml-host:7233', namespace: 'override' });
});

test('the standard TLS variables and the ones documented first both load a client certificate', () => {
  const standard = loadConfig({
    ...base(),
    TEMPORAL_ADDRESS: 'tls-host:7233',
    TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.crt'),
    TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'client.key'),
  });
  const documented = loadConfig({
    ...base(),
    TEMPORAL_ADDRESS: 'tls-host:7233',
    TEMPORAL_TLS_CERT: path.join(dir, 'client.crt'),
    TEMPORAL_TLS_KEY: path.join(dir, 'client.key'),
  });
  for (const config of [standard, documented]) {
    const { tls } = clientConnectionOptions(config.temporal);
    expect(tls).toMatchObject({ clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') } });
  }
});

test.each<[string, Record<string, string>, RegExp]>([
  ['a profile that does not exist', { TEMPORAL_PROFILE: 'nope' }, /Profile 'nope' not found/],
  [
    'a config file that does not exist',
    { TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' },
    /TEMPORAL_CONFIG_FILE=.*no such file/,
  ],
  [
    'half a client certificate',
    { TEMPORAL_TLS_CERT: '/x.crt' },
    /TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together/,
  ],
  ['a port that is not a number', { INGRESS_PORT: 'eighty' }, /INGRESS_PORT: expected a TCP port number/],
  [
    'a webhook address allowance that is not an address',
    { CONNECT_REMEDIATOR_WEBHOOK_ALLOW_ADDRESSES: '127.0.0.1, intranet' },
    /CONNECT_REMEDIATOR_WEBHOOK_ALLOW_ADDRESSES: "intranet" is not an address or range: expected comma-separated IP addresses or CIDR ranges/,
  ],
])('refused with a clear error: %s', (_name, env, message) => {
  const load = () => loadConfig({ ...base(), TEMPORAL_CONFIG_FILE: toml, ...env });
  expect(load).toThrow(ConfigError);
  expect(load).toThrow(message);
});

test("webhook rules: a secret's origins next to it, the allowed non-public addresses; channel settings are not secrets", () => {
  const config = loadConfig({
    ...base(),
    CONNECT_REMEDIATOR_SECRET_ONCALL: 'token',
    CONNECT_REMEDIATOR_SECRET_ONCALL_ORIGINS: 'https://hooks.example.com',
    CONNECT_REMEDIATOR_SECRET_VARS: 'ONCALL_TOKEN',
    CONNECT_REMEDIATOR_WEBHOOK_ALLOW_ADDRESSES: '10.1.0.0/16',
  });
  expect(config.webhooks.secretOrigins('CONNECT_REMEDIATOR_SECRET_ONCALL')).toEqual([
    'https://hooks.example.com',
  ]);
  expect(config.webhooks.secretOrigins('CONNECT_REMEDIATOR_SECRET_OTHER')).toBeUndefined();
  expect(config.webhooks.allowedAddresses).toHaveLength(1);
  expect(config.secrets('CONNECT_REMEDIATOR_SECRET_ONCALL')).toBe('token');
  expect(config.secrets('CONNECT_REMEDIATOR_SECRET_ONCALL_ORIGINS')).toBeUndefined();
  expect(config.secrets('CONNECT_REMEDIATOR_SECRET_VARS')).toBeUndefined();
});
