/**
 * The docs are part of the product: every CLI command and option, every key of the policy file and
 * every environment variable the code reads must be documented somewhere a user will look, and
 * every relative link in README.md and docs/ must lead somewhere. A change that adds an option
 * without a line in docs/operations.md fails here, not in a user's terminal.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../cli/main';
import { createIngressMetrics } from '../../ingress/metrics';
import { ENVIRONMENT_VARIABLES } from '../../worker/config';
import { ENGINE_METRICS } from '../../workflows/metric-catalogue';
import { anchorsOf, prose } from '../helpers/markdown';

// CommonJS beside the launcher (it runs before any TypeScript loader): required as the build does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SOURCE_DIRS } = require('../../bin/build-state') as { SOURCE_DIRS: readonly string[] };

const ROOT = path.resolve(__dirname, '..', '..');
const DOCS_DIR = path.join(ROOT, 'docs');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

const PAGES = [
  'README.md',
  'CHANGELOG.md',
  ...fs
    .readdirSync(DOCS_DIR)
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const ALL_DOCS = PAGES.map(read).join('\n');

/** The text under a heading, up to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string | undefined {
  const lines = prose(markdown);
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) return undefined;
  const level = /^#+/.exec(heading)![0].length;
  const end = lines.findIndex((l, i) => i > start && /^#+\s/.test(l) && /^#+/.exec(l)![0].length <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

function leafCommands(command: Command, prefix = ''): { name: string; command: Command }[] {
  const name = prefix ? `${prefix} ${command.name()}` : command.name();
  if (command.commands.length === 0) return [{ name, command }];
  return command.commands.flatMap((sub) => leafCommands(sub, name));
}

describe('the CLI reference (docs/operations.md)', () => {
  const reference = read('docs/operations.md');
  const commands = leafCommands(buildProgram());

  test('has a section for every command, naming each of its options', () => {
    const problems: string[] = [];
    for (const { name, command } of commands) {
      const text = section(reference, `### \`${name}\``);
      if (text === undefined) {
        problems.push(`no "### \`${name}\`" section`);
        continue;
      }
      for (const option of command.options) {
        if (!text.includes(`\`${option.flags}\``))
          problems.push(`${name}: option ${option.flags} is not in its section`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('the walk finds the commands users run (so an empty list cannot pass)', () => {
    const names = commands.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'connect-remediator dev',
        'connect-remediator worker',
        'connect-remediator runs signal',
        'connect-remediator policies diff',
        'connect-remediator dlq replay',
      ]),
    );
  });
});

/** Every key path of the policy file's JSON Schema, as docs/policies.md writes it. */
function policyKeyPaths(): string[] {
  const schema = JSON.parse(read('policies/policies.schema.json')) as SchemaNode;
  const defs = schema.$defs ?? schema.definitions ?? {};
  const paths = new Set<string>();
  const resolve = (node: SchemaNode): SchemaNode =>
    node.$ref ? (defs[node.$ref.split('/').pop()!] ?? node) : node;
  const walk = (raw: SchemaNode, at: string, depth: number) => {
    const node = resolve(raw);
    if (depth > 10) return;
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const keyPath = at ? `${at}.${key}` : key;
      paths.add(keyPath);
      walk(child, keyPath, depth + 1);
    }
    for (const variant of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])])
      walk(variant, at, depth + 1);
    if (node.items) walk(node.items, `${at}[]`, depth + 1);
    if (node.additionalProperties && typeof node.additionalProperties === 'object')
      walk(node.additionalProperties, `${at}.<name>`, depth + 1);
  };
  walk(schema, '', 0);
  // A key means the same in `defaults` and in a policy: the reference lists it once.
  const documented = [...paths].map((p) => p.replace(/^defaults\./, '').replace(/^policies\[\]\./, ''));
  return [...new Set(documented)].filter((p) => p !== 'defaults' && p !== 'policies[]');
}

interface SchemaNode {
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
  definitions?: Record<string, SchemaNode>;
  properties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
}

describe('the policy reference (docs/policies.md)', () => {
  const reference = read('docs/policies.md');
  const keys = policyKeyPaths();

  test('names every key of the policy schema', () => {
    expect(keys.filter((key) => !reference.includes(`\`${key}\``))).toEqual([]);
  });

  test('the schema walk reaches nested keys (so an empty list cannot pass)', () => {
    expect(keys).toEqual(
      expect.arrayContaining([
        'retry.backoffCoefficient',
        'retry.honorRetryDelay',
        'capacity.fallbackQuota',
        'channels.<name>.urlEnv',
        'when.errorMatches',
      ]),
    );
  });
});

describe('the metrics reference (docs/observability.md)', () => {
  const reference = read('docs/observability.md');
  const engine = section(reference, "### The engine's metrics (worker)") ?? '';
  const ingress = section(reference, "### The ingress's metrics") ?? '';

  test('has a row for every engine metric, with its labels, type and recorder', () => {
    const rows = Object.entries(ENGINE_METRICS).map(([name, spec]) => {
      const labels = spec.labels.length ? `{${spec.labels.join(',')}}` : '';
      return `| \`${name}${labels}\` | ${spec.type} | ${spec.recordedBy} |`;
    });
    const table = engine.replace(/ +\|/g, ' |').replace(/\| +/g, '| ');
    expect(rows.filter((row) => !table.includes(row))).toEqual([]);
    expect(rows.length).toBeGreaterThan(10);
  });

  test('names every metric the ingress registers', async () => {
    const names = (await createIngressMetrics().registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThan(5);
    expect(
      names.filter((name) => !ingress.includes(name.replace('connect_remediator_ingress_', ''))),
    ).toEqual([]);
  });
});

/** Environment variables the code reads: the config schema, `process.env.X`, `*_VAR` names, the bin. */
function environmentVariablesRead(): string[] {
  const names = new Set<string>(ENVIRONMENT_VARIABLES);
  // The folders the build compiles (bin/build-state.js), and the launchers and the CDK app.
  const sourceDirs: string[] = [...SOURCE_DIRS, 'bin', 'infra'];
  const files = sourceDirs.flatMap((dir) =>
    fs
      .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .map((f) => path.join(ROOT, dir, f))
      .filter(
        (f) => fs.statSync(f).isFile() && !f.includes('node_modules') && !f.includes(`${path.sep}cdk.out`),
      ),
  );
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g))
      names.add(m[1] ?? m[2]!);
    for (const m of text.matchAll(/export const \w+_VAR = '([A-Z][A-Z0-9_]*)'/g)) names.add(m[1]!);
    if (!/\.[cm]?[jt]s$|\.json$/.test(file))
      for (const m of text.matchAll(/\$\{([A-Z][A-Z0-9_]*)[:}-]/g)) names.add(m[1]!);
  }
  for (const generic of ['PATH', 'HOME']) names.delete(generic);
  return [...names].sort();
}

describe('environment variables', () => {
  const names = environmentVariablesRead();

  test('every variable the code reads is documented', () => {
    expect(names.filter((name) => !ALL_DOCS.includes(`\`${name}\``))).toEqual([]);
  });

  test('the scan finds variables read in each way (so an empty list cannot pass)', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'TEMPORAL_ADDRESS', // the config schema
        'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', // process.env in bin/
        'CONNECT_REMEDIATOR_WEBHOOK_ALLOW_ADDRESSES', // a *_VAR constant
        'CONNECT_REMEDIATOR_HEAP_MB', // the shell launcher
      ]),
    );
  });
});

describe('relative links in README.md and docs/', () => {
  test('every one points at a file that exists, and at a heading that exists', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      const text = prose(read(page)).join('\n');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue; // https:, mailto:
        const [file, anchor] = target!.split('#') as [string, string | undefined];
        const resolved = file ? path.join(ROOT, path.dirname(page), file) : path.join(ROOT, page);
        if (!fs.existsSync(resolved)) {
          broken.push(`${page}: ${target} (no such file)`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchorsOf(fs.readFileSync(resolved, 'utf8')).has(anchor))
          broken.push(`${page}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  test('the link check sees anchors as GitHub makes them', () => {
    expect([
      ...anchorsOf(
        '## The AWS side: the CDK app in infra/\n## Conditions: `when`\n```sh\n# not a heading\n```',
      ),
    ]).toEqual(['the-aws-side-the-cdk-app-in-infra', 'conditions-when']);
  });
});
