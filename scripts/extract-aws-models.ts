/**
 * Extracts, from AWS's own service models, the operations the simulator implements — their HTTP
 * binding, errors (with status) and every shape they reach, constraints kept, documentation
 * dropped — into test/fixtures/aws-models/, which the simulator's contract test reads.
 *
 * Why a committed extract: the `aws-sdk` v2 npm package ships only `apis/*.min.json`, which are
 * stripped of errors and of every constraint, and SDK v3 carries no constraints either. botocore
 * (Python) ships the full models; point this script at its `data` folder:
 *
 *   npx tsx scripts/extract-aws-models.ts "$(python3 -c 'import botocore,os;print(os.path.dirname(botocore.__file__))')/data"
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const WANTED: Record<string, { model: string; operations: string[] }> = {
  connect: {
    model: 'connect/2017-08-08',
    operations: ['StartTaskContact', 'StopContact', 'DescribeRule', 'GetCurrentMetricData', 'ListQueues'],
  },
  eventbridge: { model: 'events/2015-10-07', operations: ['PutEvents'] },
  cloudwatch: { model: 'cloudwatch/2010-08-01', operations: ['GetMetricData'] },
};

type Json = Record<string, unknown>;

function readModel(dataDir: string, model: string): Json {
  const file = path.join(dataDir, model, 'service-2.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(`${file}.gz`)).toString('utf8')) as Json;
}

function withoutDocs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDocs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'documentation' && key !== 'documentationUrl')
      .map(([key, inner]) => [key, withoutDocs(inner)]),
  );
}

function shapeRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) value.forEach((inner) => shapeRefs(inner, into));
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'shape' && typeof inner === 'string') into.add(inner);
      else shapeRefs(inner, into);
    }
  }
}

function extract(dataDir: string, model: string, operations: string[]): Json {
  const full = readModel(dataDir, model);
  const allOperations = full.operations as Record<string, Json>;
  const allShapes = full.shapes as Record<string, Json>;
  const kept: Record<string, unknown> = {};
  const pending = new Set<string>();
  for (const name of operations) {
    kept[name] = withoutDocs(allOperations[name]);
    shapeRefs(allOperations[name], pending);
  }
  const shapes: Record<string, unknown> = {};
  for (const name of pending) {
    if (name in shapes) continue;
    shapes[name] = withoutDocs(allShapes[name]);
    shapeRefs(allShapes[name], pending);
  }
  const metadata = full.metadata as Json;
  return {
    source: `botocore data/${model}/service-2.json`,
    metadata: { protocol: metadata.protocol, protocols: metadata.protocols, apiVersion: metadata.apiVersion },
    operations: kept,
    shapes: Object.fromEntries(Object.entries(shapes).sort(([a], [b]) => a.localeCompare(b))),
  };
}

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: extract-aws-models.ts <botocore data folder>');
const out = path.join(__dirname, '..', 'test', 'fixtures', 'aws-models');
fs.mkdirSync(out, { recursive: true });
for (const [service, { model, operations }] of Object.entries(WANTED)) {
  fs.writeFileSync(
    path.join(out, `${service}.json`),
    `${JSON.stringify(extract(dataDir, model, operations), null, 1)}\n`,
  );
}
