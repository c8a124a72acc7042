/**
 * Send time: a webhook secret goes only to the origins listed next to it, no webhook reaches a
 * non-public address (literal, or what DNS answers) unless the environment allows it, a URL or
 * token never appears in what the activity returns or throws, and an answer's body is not copied.
 *
 * No packet may leave this machine: every socket connect is checked, and anything but loopback
 * fails the test before it is attempted — so a refusal that did not happen shows as a failure
 * here, never as traffic to 10.0.0.5 or the metadata service.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { type ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createEscalationActivities, type HttpPost, type NotifyInput } from '../../activities/escalation';
import { createWebhookHttp, DestinationRefused, MAX_RESPONSE_BYTES } from '../../activities/webhook-http';
import type { ChannelConfig } from '../../policies/types';
import { parseAddressAllowList, webhookRulesFromEnv } from '../../policies/webhook-destinations';
import { loadSampleEvent } from '../helpers/events';

/** Every address a socket was about to connect to (after DNS), in order. */
const connects: string[] = [];
const realConnect = net.Socket.prototype.connect;
const isLoopback = (address: string) => /^(127\.|::1$|::ffff:127\.)/.test(address);

function guard(address: string): void {
  connects.push(address);
  if (!isLoopback(address)) throw new Error(`test guard: refused to connect to ${address}`);
}

beforeAll(() => {
  jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (
    this: net.Socket,
    ...args: unknown[]
  ) {
    // Node calls connect with (options), (port, host) or, internally, ([options, callback]).
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const options = (
      typeof first === 'object' ? first : { port: first, host: args[1] }
    ) as net.TcpNetConnectOpts;
    const host = options.host ?? 'localhost';
    if (net.isIP(host)) guard(host);
    else if (options.lookup) {
      // The address DNS gave is what is checked: wrap the lookup the client handed the socket.
      const lookup = options.lookup;
      options.lookup = ((hostname, lookupOptions, callback) =>
        lookup(hostname, lookupOptions, (err, address, family) => {
          if (err) return callback(err, address, family);
          try {
            for (const a of Array.isArray(address) ? address : [{ address }]) guard(a.address);
          } catch (refused) {
            return callback(refused as Error, '', 0);
          }
          return callback(null, address, family);
        })) as net.LookupFunction;
    } else if (host !== 'localhost') guard(host);
    return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  });
});
afterAll(() => jest.restoreAllMocks());
beforeEach(() => (connects.length = 0));

const LOOPBACK = parseAddressAllowList('127.0.0.0/8,::1').values;

/** A local receiver answering each request with what `answer` says. */
async function receiver(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const requests: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push({ url: req.url ?? '', headers: req.headers });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const post = (send: HttpPost, url: string) =>
  send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    redirect: 'manual',
  });

describe('the webhook HTTP client connects to allowed addresses only', () => {
  test.each([
    ['https://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/],
    ['https://10.0.0.5/hook', /10\.0\.0\.5 is a private address/],
    ['https://[::ffff:10.0.0.5]/hook', /10\.0\.0\.5 is a private address/],
    ['https://[fd00:ec2::254]/latest/meta-data/', /unique-local/],
    ['https://100.64.0.1/', /carrier-grade NAT/],
    ['https://0.0.0.0/', /unspecified/],
  ])('%s is refused before any socket opens', async (url, reason) => {
    const resolve = jest.fn();
    const send = createWebhookHttp({ allowedAddresses: LOOPBACK, resolve });
    await expect(post(send, url)).rejects.toThrow(reason);
    await expect(post(send, url)).rejects.toBeInstanceOf(DestinationRefused);
    expect(resolve).not.toHaveBeenCalled();
    expect(connects).toEqual([]);
  });

  test('a name DNS resolves to a private address is refused after resolution; so is one mixing public and private', async () => {
    const answers: Record<string, { address: string; family: number }[]> = {
      'hooks.internal.example': [{ address: '10.0.0.5', family: 4 }],
      'mixed.example': [
        { address: '93.184.215.14', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    };
    const send = createWebhookHttp({ allowedAddresses: [], resolve: async (name) => answers[name] ?? [] });
    await expect(post(send, 'https://hooks.internal.example/hook')).rejects.toThrow(
      'hooks.internal.example resolves to 10.0.0.5 is a private address',
    );
    await expect(post(send, 'https://mixed.example/hook')).rejects.toThrow(
      /169\.254\.169\.254 is a link-local/,
    );
    expect(connects).toEqual([]);
  });

  test('loopback is refused unless the environment allows it; allowed, the checked address is the one connected to', async () => {
    const hook = await receiver((_, res) => res.writeHead(204).end());
    try {
      const strict = createWebhookHttp({ allowedAddresses: [] });
      await expect(post(strict, `http://127.0.0.1:${hook.port}/hook`)).rejects.toThrow(
        '127.0.0.1 is a loopback address',
      );
      await expect(post(strict, `http://localhost:${hook.port}/hook`)).rejects.toThrow(
        'localhost is a loopback address',
      );
      expect(hook.requests).toHaveLength(0);

      // The name is resolved by the client's own lookup, which is what the socket connects to.
      const allowed = createWebhookHttp({
        allowedAddresses: LOOPBACK,
        resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      });
      const answer = await post(allowed, `http://receiver.test:${hook.port}/hook`);
      expect(answer.status).toBe(204);
      expect(hook.requests).toHaveLength(1);
      expect(connects).toEqual(['127.0.0.1']);
    } finally {
      await hook.close();
    }
  });

  test('redirects are answered, not followed; at most 4 KiB of an answer is read', async () => {
    const hook = await receiver((req, res) => {
      if (req.url === '/moved') res.writeHead(302, { location: 'https://169.254.169.254/' }).end();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('x'.repeat(5_000_000));
    });
    try {
      const send = createWebhookHttp({ allowedAddresses: LOOPBACK });
      const moved = await post(send, `http://127.0.0.1:${hook.port}/moved`);
      expect(moved.status).toBe(302);
      const big = await post(send, `http://127.0.0.1:${hook.port}/big`);
      expect(big.status).toBe(500);
      expect((await big.text()).length).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
      expect(hook.requests.map((r) => r.url)).toEqual(['/moved', '/big']);
    } finally {
      await hook.close();
    }
  });
});

describe('notifyChannel: secrets bound to their origins, nothing secret in what it returns or throws', () => {
  const TOKEN = 'oncall-token-c0ffee';
  const SLACK_PATH = '/services/T0000/B0000/slack-url-secret-91f2';
  const message: NotifyInput['message'] = {
    workflowId: 'remediate-test',
    reason: 'policy x escalates',
    escalationNumber: 1,
    event: loadSampleEvent(),
    policy: { name: 'x', setHash: 'h' },
    attempts: 0,
  };

  function activities(options: { env: Record<string, string>; http?: HttpPost }) {
    const http = jest.fn(options.http ?? createWebhookHttp({ allowedAddresses: LOOPBACK }));
    const rules = webhookRulesFromEnv(options.env);
    const { notifyChannel } = createEscalationActivities({
      connect: undefined as never,
      eventBridge: undefined as never,
      http,
      secret: (name) => options.env[name],
      webhooks: rules,
      runUrl: (id) => `http://ui.test/${id}`,
    });
    const notify = (channel: ChannelConfig) =>
      new MockActivityEnvironment().run(notifyChannel, { channel, message });
    return { notify, http };
  }

  /** The failure a run would record, with everything it says as one text. */
  async function failureOf(promise: Promise<unknown>): Promise<{ nonRetryable: boolean; text: string }> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const failure = err as ApplicationFailure;
    return {
      nonRetryable: failure.nonRetryable === true,
      text: `${failure.message}\n${failure.stack ?? ''}`,
    };
  }

  const webhook = (url: string): ChannelConfig => ({
    name: 'on-call',
    type: 'webhook',
    url,
    secretEnv: 'CONNECT_REMEDIATOR_SECRET_ONCALL',
  });

  test.each([
    [
      'an unlisted origin',
      'https://evil.example/collect',
      /may go only to the origins in CONNECT_REMEDIATOR_SECRET_ONCALL_ORIGINS \(it lists https:\/\/pager\.example\.com\), not to https:\/\/evil\.example/,
    ],
    [
      'the metadata service',
      'https://169.254.169.254/latest/meta-data/',
      /not to https:\/\/169\.254\.169\.254/,
    ],
    ['a private address', 'https://10.0.0.5/hook', /not to https:\/\/10\.0\.0\.5/],
  ])('a secret to %s is refused for good, nothing is sent', async (_, url, reason) => {
    const { notify, http } = activities({
      env: {
        CONNECT_REMEDIATOR_SECRET_ONCALL: TOKEN,
        CONNECT_REMEDIATOR_SECRET_ONCALL_ORIGINS: 'https://pager.example.com',
      },
    });
    const failure = await failureOf(notify(webhook(url)));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.text).toMatch(reason);
    expect(failure.text).not.toContain(TOKEN);
    expect(http).not.toHaveBeenCalled();
  });

  test("even listed as the secret's origins, 169.254.169.254 and 10.0.0.5 are refused (non-public addresses need the other allowance)", async () => {
    const { notify } = activities({
      env: {
        CONNECT_REMEDIATOR_SECRET_ONCALL: TOKEN,
        CONNECT_REMEDIATOR_SECRET_ONCALL_ORIGINS: 'https://169.254.169.254,https://10.0.0.5',
      },
    });
    for (const [url, reason] of [
      ['https://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/],
      ['https://10.0.0.5/hook', /10\.0\.0\.5 is a private address/],
    ] as const) {
      const failure = await failureOf(notify(webhook(url)));
      expect(failure).toMatchObject({ nonRetryable: true, text: expect.stringMatching(reason) });
      expect(failure.text).not.toContain(TOKEN);
    }
    expect(connects).toEqual([]);
  });

  test('a secret holding a newline is refused before it goes into a header, and never quoted', async () => {
    const { notify, http } = activities({
      env: {
        CONNECT_REMEDIATOR_SECRET_ONCALL: `${TOKEN}\n`,
        CONNECT_REMEDIATOR_SECRET_ONCALL_ORIGINS: 'https://pager.example.com',
      },
    });
    const failure = await failureOf(notify(webhook('https://pager.example.com/hook')));
    expect(failure.text).toMatch(/CONNECT_REMEDIATOR_SECRET_ONCALL holds a line break/);
    expect(failure.text).not.toContain(TOKEN);
    expect(http).not.toHaveBeenCalled();
  });

  test('an HTTP client error quoting the token or the URL reaches the run redacted', async () => {
    const env = {
      CONNECT_REMEDIATOR_SECRET_ONCALL: TOKEN,
      CONNECT_REMEDIATOR_SECRET_ONCALL_ORIGINS: 'https://hooks.slack.com',
      CONNECT_REMEDIATOR_SECRET_SLACK_URL: `https://hooks.slack.com${SLACK_PATH}`,
    };
    const { notify } = activities({
      env,
      http: async (url, init) => {
        throw new TypeError(
          `Headers.append: "${init.headers.authorization}" is an invalid header value for ${url}`,
        );
      },
    });
    const failure = await failureOf(
      notify({
        name: 'slack',
        type: 'webhook',
        urlEnv: 'CONNECT_REMEDIATOR_SECRET_SLACK_URL',
        secretEnv: 'CONNECT_REMEDIATOR_SECRET_ONCALL',
      }),
    );
    expect(failure.nonRetryable).toBe(false); // a transport error: retried
    expect(failure.text).toContain('[redacted]');
    expect(failure.text).not.toContain(TOKEN);
    expect(failure.text).not.toContain(SLACK_PATH);
  });

  test('a urlEnv URL is read at send time and appears in neither the result nor a failure', async () => {
    const hook = await receiver((req, res) =>
      req.url === SLACK_PATH
        ? res.writeHead(200).end('ok')
        : res.writeHead(404, { 'content-type': 'text/plain' }).end('no_service'),
    );
    try {
      const channel: ChannelConfig = {
        name: 'slack',
        type: 'webhook',
        urlEnv: 'CONNECT_REMEDIATOR_SECRET_SLACK_URL',
      };
      const good = activities({
        env: { CONNECT_REMEDIATOR_SECRET_SLACK_URL: `http://127.0.0.1:${hook.port}${SLACK_PATH}` },
      });
      const delivered = await good.notify(channel);
      expect(delivered).toBe('webhook slack answered HTTP 200 OK');
      expect(hook.requests.map((r) => r.url)).toEqual([SLACK_PATH]);

      const revoked = activities({
        env: {
          CONNECT_REMEDIATOR_SECRET_SLACK_URL: `http://127.0.0.1:${hook.port}/services/T0000/B0000/revoked-22`,
        },
      });
      const failure = await failureOf(revoked.notify(channel));
      // Slack's short error codes are kept: they say what to fix.
      expect(failure.text).toMatch(/webhook slack answered HTTP 404 Not Found: no_service/);
      expect(failure.text).not.toContain('revoked-22');

      const unset = activities({ env: {} });
      expect((await failureOf(unset.notify(channel))).text).toMatch(
        /environment variable CONNECT_REMEDIATOR_SECRET_SLACK_URL is not set on the worker/,
      );
    } finally {
      await hook.close();
    }
  });

  test('an answer body is not copied: only the status line and its type and size', async () => {
    const page = '<html>ami-id instance-id iam/security-credentials/ AKIAEXAMPLE</html>';
    const hook = await receiver((_, res) =>
      res.writeHead(403, { 'content-type': 'text/html; charset=utf-8' }).end(page),
    );
    try {
      const { notify } = activities({ env: {} });
      const failure = await failureOf(
        notify({ name: 'plain', type: 'webhook', url: `http://127.0.0.1:${hook.port}/h` }),
      );
      expect(failure.text).toContain(
        `webhook plain answered HTTP 403 Forbidden (a text/html body of ${page.length} bytes, not recorded)`,
      );
      expect(failure.text).not.toContain('security-credentials');
    } finally {
      await hook.close();
    }
  });
});
