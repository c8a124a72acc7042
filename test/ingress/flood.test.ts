/**
 * The ingress holds under a flood: bodies far beyond what EventBridge sends are refused without
 * being read, batches are counted before they are parsed, slow senders are cut off, and when
 * bodies in flight or the heap pass their limits POST /events answers 503 with Retry-After —
 * while /healthz keeps answering.
 *
 * Every request goes to this machine's loopback address, bounded in count and time.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import fc from 'fast-check';
import { countArrayItems } from '../../ingress/body-parser';
import { HEADERS_TIMEOUT_MS, MAX_BODY_BYTES, REQUEST_TIMEOUT_MS } from '../../ingress/load-limits';
import { failureEvent } from '../helpers/events';
import { testEnv } from '../helpers/env';
import { connectTestTemporal, type TestTemporal } from '../helpers/temporal';
import { createTestIngress, type TestIngress } from './harness';

const MB = 1024 * 1024;

interface Answer {
  status?: number;
  retryAfter?: string;
  /** The socket failed before an answer was read (the server closed it on a refused upload). */
  error?: string;
}

/**
 * POSTs `bytes` of a JSON array as fast as the socket takes them, stopping once the server has
 * answered (a client should: the answer says the rest is not wanted). `chunked`: no
 * Content-Length, so the server cannot refuse by the header and must count what arrives.
 */
function upload(url: string, bytes: number, { chunked = false, apiKey = '' } = {}): Promise<Answer> {
  return new Promise((resolve) => {
    const target = new URL('/events', url);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': apiKey };
    if (!chunked) headers['content-length'] = String(bytes);
    const request = http.request(target, { method: 'POST', headers, agent: false });
    let answered: Answer | undefined;
    request.on('response', (response) => {
      answered = {
        status: response.statusCode,
        retryAfter: response.headers['retry-after'],
      };
      response.resume();
      // Answered: the rest is not wanted, so the upload stops (as any client would).
      response.on('end', () => (request.destroy(), resolve(answered!)));
      response.on('error', () => resolve(answered!));
    });
    request.on('error', (err) => resolve(answered ?? { error: err.message }));
    // "[" and then spaces: an array that never ends.
    const spaces = Buffer.alloc(64 * 1024, 0x20);
    const first = Buffer.concat([Buffer.from('['), spaces.subarray(1)]);
    let sent = 0;
    const pump = () => {
      while (sent < bytes && !answered && !request.destroyed) {
        const size = Math.min(spaces.length, bytes - sent);
        const chunk = (sent === 0 ? first : spaces).subarray(0, size);
        sent += size;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      if (!request.destroyed) request.end();
    };
    pump();
  });
}

async function scrape(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const values: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^(connect_remediator_ingress_\w+?)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match) values[`${match[1]}${match[2] ?? ''}`] = Number(match[3]);
  }
  return values;
}

const rssMb = (pid: number) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
};

describe('three concurrent 20 MB bodies, against the ingress process the command starts', () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    // The command as operators run it (bin/connect-remediator: its heap limit), on a free port,
    // with the smallest heap the command allows: 96 MB.
    child = spawn(
      'sh',
      [path.join(__dirname, '..', '..', 'bin', 'connect-remediator'), 'ingress', '--port', '0'],
      {
        env: {
          ...process.env,
          CONNECT_REMEDIATOR_HEAP_MB: '96',
          TEMPORAL_ADDRESS: testEnv('address'),
          TEMPORAL_NAMESPACE: testEnv('namespace'),
          INGRESS_API_KEY: '',
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ingress did not start:\n${output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', () => reject(new Error(`the ingress exited:\n${output}`)));
    });
  }, 40_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });

  test('each gets 413 or 503, the process stays up, its heap far under its limit', async () => {
    const before = await scrape(url);
    const rssBefore = rssMb(child.pid!);
    const heapLimit = before.connect_remediator_ingress_heap_limit_bytes!;
    expect(heapLimit).toBeLessThan(200 * MB); // the 96 MB old generation, and the young one

    const started = Date.now();
    const answers = await Promise.all([
      upload(url, 20 * MB),
      upload(url, 20 * MB),
      upload(url, 20 * MB, { chunked: true }),
    ]);
    const elapsedMs = Date.now() - started;
    for (const answer of answers) {
      expect([413, 503]).toContain(answer.status);
    }
    // Refused by the header, or at 1 MiB of a chunked body: nowhere near 60 MB was read.
    expect(elapsedMs).toBeLessThan(5_000);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(child.exitCode).toBeNull();
    const after = await scrape(url);
    const heapUsed = after.connect_remediator_ingress_heap_used_bytes!;
    // Below the point where it would shed load (75% of the limit), and barely moved.
    expect(heapUsed).toBeLessThan(0.75 * heapLimit);
    expect(heapUsed - before.connect_remediator_ingress_heap_used_bytes!).toBeLessThan(16 * MB);
    expect(after['connect_remediator_ingress_events_rejected_total{reason="too-large"}']).toBe(3);
    // Resident memory: the three bodies were never held (60 MB would show).
    const rssAfter = rssMb(child.pid!);
    expect(rssAfter - rssBefore).toBeLessThan(30);
    console.log(
      `[flood] 3 × 20 MB: statuses ${answers.map((a) => a.status).join(', ')} in ${elapsedMs} ms; ` +
        `heap ${(heapUsed / MB).toFixed(1)} MB of ${(heapLimit / MB).toFixed(0)} MB, ` +
        `RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB`,
    );
  }, 30_000);
});

describe('limits, in process', () => {
  let temporal: TestTemporal;
  beforeAll(async () => (temporal = await connectTestTemporal()));
  afterAll(async () => temporal.close());

  describe('bodies and batches', () => {
    let ingress: TestIngress;
    beforeAll(async () => (ingress = await createTestIngress(temporal)));
    afterAll(async () => ingress.close());

    test(`a body above ${MAX_BODY_BYTES} bytes is refused by its Content-Length`, async () => {
      const answer = await upload(ingress.url, MAX_BODY_BYTES + 1, { apiKey: ingress.apiKey });
      expect(answer).toMatchObject({ status: 413 });
    });

    test('an array of 101 items is refused before parsing: the same text broken after item 101 is still 413, not "not JSON"', async () => {
      const items = Array.from({ length: 101 }, () => '{}').join(',');
      const refused = await ingress.post(`[${items}, {"broken": ]`);
      expect(refused.statusCode).toBe(413);
      expect(refused.json()).toEqual({
        error: 'request too large',
        errors: [
          {
            path: '$',
            expected: 'one event, or an array of 1 to 100 events',
            found: 'an array of more than 100 items',
          },
        ],
      });
      // 100 are fine as far as counting goes (each is then validated on its own).
      const hundred = await ingress.post(`[${Array.from({ length: 100 }, () => '{}').join(',')}]`);
      expect(hundred.statusCode).toBe(400);
      expect(hundred.json().rejected).toBe(100);
    });

    test(`a sender that stops mid-headers is cut off after ${HEADERS_TIMEOUT_MS / 1000} s, one mid-body after ${REQUEST_TIMEOUT_MS / 1000} s`, async () => {
      const port = Number(new URL(ingress.url).port);
      const heldFor = (head: string) =>
        new Promise<{ ms: number; answer: string }>((resolve) => {
          const started = Date.now();
          let answer = '';
          const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
          socket.on('data', (data) => (answer += data.toString()));
          socket.on('error', () => undefined);
          socket.on('close', () => resolve({ ms: Date.now() - started, answer }));
        });
      const [headers, body] = await Promise.all([
        heldFor('POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'),
        heldFor(
          `POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-api-key: ${ingress.apiKey}\r\nContent-Length: 1000\r\n\r\n[{`,
        ),
      ]);
      expect(headers.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(headers.ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
      expect(headers.ms).toBeLessThan(HEADERS_TIMEOUT_MS + 2_000);
      expect(body.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(body.ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
      expect(body.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
    }, 20_000);
  });

  test('a sender that keeps writing after its 413 is read and discarded, and cut off at the request timeout', async () => {
    const ingress = await createTestIngress(temporal);
    const port = Number(new URL(ingress.url).port);
    const socket = net.connect(port, '127.0.0.1');
    try {
      const started = Date.now();
      let answer = '';
      let written = 0;
      const closed = new Promise<number>((resolve) =>
        socket.on('close', () => resolve(Date.now() - started)),
      );
      socket.on('data', (data) => (answer += data.toString()));
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(
        `POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-api-key: ${ingress.apiKey}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      const chunk = `10000\r\n[${' '.repeat(0xffff)}\r\n`;
      // 64 KB every 10 ms, bounded: at most 15 s.
      const writer = setInterval(() => {
        if (socket.destroyed || Date.now() - started > 15_000) return clearInterval(writer);
        socket.write(chunk);
        written += 0x10000;
      }, 10);
      const closedAfterMs = await closed;
      clearInterval(writer);
      expect(answer).toMatch(/^HTTP\/1\.1 413/);
      expect(written).toBeGreaterThan(2 * MAX_BODY_BYTES);
      expect(closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2_500);
    } finally {
      socket.destroy();
      await ingress.close();
    }
  }, 20_000);

  test('bodies in flight past their budget get 503 with Retry-After until the bytes are released', async () => {
    const ingress = await createTestIngress(temporal, { limits: { maxBodyBytesInFlight: 100_000 } });
    const port = Number(new URL(ingress.url).port);
    const slow = net.connect(port, '127.0.0.1');
    try {
      // A sender that announced 100 KB and sends them slowly holds the whole budget.
      await new Promise((resolve) => slow.once('connect', resolve));
      slow.write(
        `POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-api-key: ${ingress.apiKey}\r\nContent-Length: 100000\r\n\r\n[`,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));

      const event = failureEvent();
      const refused = await ingress.post(event);
      expect(refused.statusCode).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(refused.json().error).toBe('overloaded; retry later');
      expect((await ingress.get('/healthz')).statusCode).toBe(200);

      slow.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await ingress.post(event)).statusCode).toBe(202);
      expect((await ingress.get('/metrics')).body).toContain(
        'connect_remediator_ingress_events_rejected_total{reason="overloaded"} 1',
      );
    } finally {
      slow.destroy();
      await ingress.close();
    }
  });

  test('a heap past its threshold sheds POST /events with 503 and Retry-After; health still answers', async () => {
    const ingress = await createTestIngress(temporal, { limits: { maxHeapUsedBytes: 1 } });
    try {
      await new Promise((resolve) => setTimeout(resolve, 600)); // a heap sample (every 250 ms)
      const refused = await ingress.post(failureEvent());
      expect(refused.statusCode).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(refused.json()).toEqual({
        error: 'overloaded; retry later',
        errors: [{ path: '$', expected: 'memory to spare', found: 'more' }],
      });
      expect((await ingress.get('/healthz')).statusCode).toBe(200);
    } finally {
      await ingress.close();
    }
  });
});

describe('counting array items on the bytes', () => {
  test('strings, escapes and nesting do not count; counting stops past the limit', () => {
    const count = (text: string, max = 100) => countArrayItems(Buffer.from(text), max);
    expect(count('[]')).toBe(0);
    expect(count(' [ 1 ] ')).toBe(1);
    expect(count('[{"a": [1, 2, 3], "b": "x,y]"}, "\\",[", [[], {}], null]')).toBe(4);
    expect(count(`[${'1,'.repeat(500)}1]`, 100)).toBe(101);
  });

  test('for any JSON array, the count is its length', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 30 }), (items) => {
        expect(countArrayItems(Buffer.from(JSON.stringify(items)), 1000)).toBe(items.length);
        expect(countArrayItems(Buffer.from(JSON.stringify(items, null, 2)), 1000)).toBe(items.length);
      }),
    );
  });
});
