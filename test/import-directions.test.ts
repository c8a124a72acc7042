/**
 * The architecture's import directions (eslint.config.mjs, the README's code map) are enforced by
 * `npm run lint`: each case lints one import as if it were written in a file of that folder.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');

/** [name, file it is written in, source, the refusal's message] */
const REFUSED: [string, string, string, RegExp][] = [
  [
    'activities may not reach process code',
    'activities/x.ts',
    "import { loadConfig } from '../worker/config';",
    /activities\/ may use events\/ and policies\/ only/,
  ],
  [
    'activities may not reach workflow code',
    'activities/x.ts',
    "import { statusQuery } from '../workflows/definitions';",
    /activities\/ may use events\/ and policies\/ only/,
  ],
  [
    'policies may not import workflows',
    'policies/x.ts',
    "import { statusQuery } from '../workflows/definitions';",
    /Pure policies\/ modules may import only events\//,
  ],
  [
    'pure policies may not import the Node store',
    'policies/x.ts',
    "import { PolicyStore } from './store.node';",
    /Pure policies\/ modules/,
  ],
  [
    'events depends on nothing of ours',
    'events/x.ts',
    "import type { MatchFacts } from '../policies/types';",
    /events\/ is the failure-event model/,
  ],
  [
    'workflows may not import activity code',
    'workflows/x.ts',
    "import { createActivities } from '../activities';",
    /activity types only/,
  ],
  [
    'workflows may not use Node APIs',
    'workflows/x.ts',
    "import fs from 'node:fs';",
    /must not use Node APIs/,
  ],
  [
    'workflows may not use the AWS SDK',
    'workflows/x.ts',
    "import { ConnectClient } from '@aws-sdk/client-connect';",
    /Side effects belong in activities/,
  ],
  [
    'the simulator imports nothing of the engine',
    'simulator/x.ts',
    "import { matchPolicy } from '../policies/match';",
    /simulator\/ plays AWS/,
  ],
  [
    'the worker does not import the CLI',
    'worker/x.ts',
    "import { main } from '../cli/main';",
    /nothing imports cli\/, dev\/ or bench\//,
  ],
  [
    'the ingress does not import dev/',
    'ingress/x.ts',
    "import { startDevStack } from '../dev/stack';",
    /nothing imports cli\/, dev\/ or bench\//,
  ],
  [
    'dev/ does not import the CLI',
    'dev/x.ts',
    "import { main } from '../cli/main';",
    /dev\/ is started by the CLI/,
  ],
  ['nothing imports bench/', 'cli/x.ts', "import { run } from '../bench/ingest';", /Nothing imports bench\//],
  [
    'infra shares only the event model with the engine',
    'infra/x.ts',
    "import { loadConfig } from '../worker/config';",
    /infra\/ deploys the AWS side: it shares only the event model/,
  ],
  [
    'no SDK internals anywhere',
    'worker/x.ts',
    "import { msToNumber } from '@temporalio/common/lib/time';",
    /public API/,
  ],
];

/** [name, file, source] */
const ALLOWED: [string, string, string][] = [
  [
    'activities use the event model and policies',
    'activities/x.ts',
    "import type { ConnectFailureEvent } from '../events/types';\nimport type { ResolvedPolicy } from '../policies/types';",
  ],
  [
    'workflows import activity types',
    'workflows/x.ts',
    "import type { RemediationActivities } from '../activities';",
  ],
  [
    'workflows import pure policies',
    'workflows/x.ts',
    "import { nextAttemptDelay } from '../policies/schedule';",
  ],
  [
    'the simulator uses the event model',
    'simulator/x.ts',
    "import type { ConnectFailureEvent } from '../events/types';",
  ],
  [
    'the worker assembles activities and workflows',
    'worker/x.ts',
    "import { createActivities } from '../activities';\nimport { statusQuery } from '../workflows/definitions';",
  ],
  ['the CLI starts the dev stack', 'cli/x.ts', "import { startDevStack } from '../dev/stack';"],
];

/**
 * ESLint's own API with the project's config, in a plain Node process (its config loader needs
 * real dynamic import, which jest's module sandbox lacks): the no-restricted-imports messages
 * for each source as if written at its file.
 */
function lintImports(cases: { file: string; source: string }[]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const path = require('node:path');
    const eslint = new ESLint({ cwd: process.cwd() });
    Promise.all(JSON.parse(process.argv[1]).map(async ({ file, source }) => {
      const [result] = await eslint.lintText(source, { filePath: path.join(process.cwd(), file) });
      return result.messages
        .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
        .map((m) => m.message);
    })).then((all) => process.stdout.write(JSON.stringify(all)));
  `;
  const out = execFileSync(process.execPath, ['-e', script, JSON.stringify(cases)], { cwd: ROOT });
  return JSON.parse(out.toString()) as string[][];
}

const messages = new Map<string, string[]>();
beforeAll(() => {
  const cases = [...REFUSED, ...ALLOWED].map(([, file, source]) => ({ file, source }));
  lintImports(cases).forEach((found, i) => messages.set(`${cases[i]!.file}\n${cases[i]!.source}`, found));
}, 60_000);

test.each(REFUSED)('refused: %s', (_name, file, source, message) => {
  expect(messages.get(`${file}\n${source}`)).toEqual([expect.stringMatching(message)]);
});

test.each(ALLOWED)('allowed: %s', (_name, file, source) => {
  expect(messages.get(`${file}\n${source}`)).toEqual([]);
});
