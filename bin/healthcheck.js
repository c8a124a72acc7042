#!/usr/bin/env node
/**
 * The image's HEALTHCHECK: asks the running process its own health endpoint. Which one depends on
 * the role the container was started with, so it reads that process's command line and environment
 * (/proc/<pid>, PID 1 in a container: the launcher execs node) and the compiled configuration
 * reader, with the same defaults the process used:
 *   worker          GET /metrics on WORKER_METRICS_HOST:WORKER_METRICS_PORT (the SDK's exporter
 *                   answers while the worker's runtime runs); WORKER_METRICS_PORT=off: unhealthy,
 *                   there is nothing to ask
 *   ingress [--sqs] GET /healthz on --host/--port, else INGRESS_HOST:INGRESS_PORT
 *   anything else   healthy while it runs (one-shot commands have no endpoint)
 * Usage: node bin/healthcheck.js [pid]. Exit 0 healthy, 1 not. Needs the build (dist/).
 */
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const TIMEOUT_MS = 3000;

function readProc(pid, file) {
  return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0').filter(Boolean);
}

/** The command (`worker`, `ingress`, …) and what follows it on the launcher's command line. */
function roleOf(argv) {
  const at = argv.findIndex((arg) => path.basename(arg) === 'connect-remediator.js');
  return at === -1 ? { command: undefined, args: [] } : { command: argv[at + 1], args: argv.slice(at + 2) };
}

function optionValue(args, name) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

/** A wildcard bind answers on loopback; the URL needs brackets around an IPv6 address. */
function probeHost(host) {
  const local = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return local.includes(':') ? `[${local}]` : local;
}

function get(url) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: TIMEOUT_MS }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    request.on('error', reject);
  });
}

async function main(pid) {
  const { command, args } = roleOf(readProc(pid, 'cmdline'));
  const env = Object.fromEntries(
    readProc(pid, 'environ').map((entry) => [
      entry.slice(0, entry.indexOf('=')),
      entry.slice(entry.indexOf('=') + 1),
    ]),
  );
  const { loadConfig } = require('../dist/worker/config.js');
  const config = loadConfig(env);
  let url;
  if (command === 'worker') {
    if (!config.workerMetrics)
      throw new Error('WORKER_METRICS_PORT=off: the worker serves no endpoint to check');
    url = `http://${probeHost(config.workerMetrics.host)}:${config.workerMetrics.port}/metrics`;
  } else if (command === 'ingress') {
    const host = optionValue(args, '--host') ?? config.ingress.host;
    const port = optionValue(args, '--port') ?? config.ingress.port;
    url = `http://${probeHost(host)}:${port}/healthz`;
  } else {
    console.log(`healthy: \`${command ?? '?'}\` has no health endpoint`);
    return;
  }
  const status = await get(url);
  if (status !== 200) throw new Error(`${url} answered ${status}`);
  console.log(`healthy: ${url} answered 200`);
}

main(process.argv[2] ?? '1').catch((err) => {
  console.error(`unhealthy: ${err.message}`);
  process.exit(1);
});
