// Lint = typescript-eslint's recommended rules + the architecture's import directions (the README's
// code map): the workflow sandbox guard, and which folder may depend on which.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/** An import pattern group for each top-level folder of ours (relative imports: '../worker/…'). */
const folder = (name) => [`**/${name}`, `**/${name}/**`];

const NODE_APIS = {
  group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'child_process'],
  message: 'Workflow-reachable code must not use Node APIs.',
};
const SIDE_EFFECT_PACKAGES = {
  group: ['@aws-sdk/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
  message: 'Side effects belong in activities/.',
};
const SDK_INTERNALS = {
  group: ['@temporalio/*/lib/*'],
  message: "Use the SDK's public API (the package index), not its lib/ internals.",
};

/** Node-only modules (*.node.ts: file reading, the policy store) never reach the workflow bundle. */
const NODE_ONLY_MODULES = ['**/*.node', '**/*.node.ts'];

/**
 * `files` may import none of `folders` (the message says what the rule protects). Options:
 * `sandbox` adds the workflow-sandbox guard (no Node APIs, no side-effect packages, no *.node
 * modules); `ignores` leaves files out; `typesOnly` folders may be imported for their types.
 */
function mayNotImport(files, folders, message, { sandbox = false, ignores, typesOnly } = {}) {
  const patterns = [SDK_INTERNALS];
  if (sandbox) patterns.push(NODE_APIS, SIDE_EFFECT_PACKAGES);
  patterns.push({ group: folders.flatMap(folder).concat(sandbox ? NODE_ONLY_MODULES : []), message });
  if (typesOnly)
    patterns.push({ group: folder(typesOnly.folder), allowTypeImports: true, message: typesOnly.message });
  return {
    files,
    ...(ignores ? { ignores } : {}),
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
}

const EVERY_FOLDER = [
  'events',
  'policies',
  'workflows',
  'activities',
  'worker',
  'ingress',
  'cli',
  'dev',
  'simulator',
  'bench',
  'infra',
  'test',
];
const except = (...allowed) => EVERY_FOLDER.filter((f) => !allowed.includes(f));

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', 'test-output/', 'coverage/', 'infra/cdk.out/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [SDK_INTERNALS] }],
      'no-console': 'off',
    },
  },
  // The model: events/ ← policies/ ← workflows/. Workflow-reachable code runs in Temporal's
  // deterministic sandbox: no Node APIs, no AWS SDK, no side effects.
  mayNotImport(
    ['events/**/*.ts'],
    except('events'),
    'events/ is the failure-event model: it depends on nothing else of ours.',
    {
      sandbox: true,
    },
  ),
  mayNotImport(
    ['policies/**/*.node.ts'],
    except('events', 'policies'),
    'policies/ may import only events/ (and itself).',
  ),
  // Pure policy modules are bundled into workflows; *.node.ts modules (file reading, the store) are not.
  mayNotImport(
    ['policies/**/*.ts'],
    except('events', 'policies'),
    'Pure policies/ modules may import only events/ and other pure policies/ modules.',
    { sandbox: true, ignores: ['policies/**/*.node.ts'] },
  ),
  mayNotImport(
    ['workflows/**/*.ts'],
    except('events', 'policies', 'workflows', 'activities'),
    'Workflow code may import only events/, pure policies/ modules and workflows/.',
    {
      sandbox: true,
      // Types (activity signatures) are erased at bundling time; values would drag side effects in.
      typesOnly: {
        folder: 'activities',
        message: 'Workflow code may import activity types only (proxyActivities), never their code.',
      },
    },
  ),
  mayNotImport(
    ['activities/**/*.ts'],
    except('events', 'policies', 'activities'),
    'activities/ may use events/ and policies/ only: the worker hands them everything else.',
  ),
  mayNotImport(
    ['simulator/**/*.ts'],
    except('events', 'simulator'),
    'simulator/ plays AWS: it imports nothing of the engine but the event model (events/).',
  ),
  mayNotImport(
    ['worker/**/*.ts', 'ingress/**/*.ts'],
    ['cli', 'dev', 'bench', 'test'],
    'Processes are assembled from the engine: nothing imports cli/, dev/ or bench/.',
  ),
  mayNotImport(
    ['dev/**/*.ts'],
    ['cli', 'bench', 'test'],
    'dev/ is started by the CLI, never the other way round; nothing imports bench/.',
  ),
  mayNotImport(['cli/**/*.ts'], ['bench', 'test'], 'Nothing imports bench/ or test/.'),
  mayNotImport(['bench/**/*.ts'], ['cli', 'test'], 'Benchmarks use the engine, not the command line.'),
  mayNotImport(
    ['infra/**/*.ts'],
    except('events', 'infra'),
    'infra/ deploys the AWS side: it shares only the event model (events/) with the engine.',
  ),
  {
    files: ['bin/**/*.js', 'jest.config.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
