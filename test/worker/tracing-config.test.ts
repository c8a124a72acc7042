/**
 * Tracing is off unless an OTLP endpoint is configured, and a malformed tracing variable stops the
 * process with an error naming it (worker/tracing-config.ts).
 */
import { ConfigError, loadConfig } from '../../worker/config';

const load = (env: Record<string, string>) => loadConfig({ HOME: '/nonexistent', ...env });

describe('tracing settings', () => {
  test('no endpoint: no tracing config at all', () => {
    expect(load({}).tracing).toBeUndefined();
    expect(load({ OTEL_SERVICE_NAME: 'x' }).tracing).toBeUndefined();
  });

  test.each<[string, Record<string, string>, object | undefined]>([
    [
      'the generic endpoint gets /v1/traces',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' },
      { url: 'http://127.0.0.1:4318/v1/traces', protocol: 'http/protobuf' },
    ],
    [
      'a base path is kept',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/otlp/' },
      { url: 'https://otlp.example.com/otlp/v1/traces', protocol: 'http/protobuf' },
    ],
    [
      'the traces endpoint is used as given and wins',
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'remediator-eu',
      },
      { url: 'http://b:4318/custom', protocol: 'http/json', serviceName: 'remediator-eu' },
    ],
    [
      'OTEL_SDK_DISABLED=true wins over an endpoint',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: 'true' },
      undefined,
    ],
  ])('%s', (_name, env, expected) => {
    expect(load(env).tracing).toEqual(expected);
  });

  test.each<[Record<string, string>, string]>([
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
      'OTEL_EXPORTER_OTLP_ENDPOINT: expected an http(s) URL of an OTLP/HTTP receiver such as http://127.0.0.1:4318; got "collector:4318"',
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' },
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: expected an http(s) URL',
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      'OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported; use http/protobuf',
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'thrift' },
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: expected http/protobuf or http/json; got "thrift"',
    ],
  ])('refused with the variable named: %j', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });
});
