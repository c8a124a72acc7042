/**
 * docs/policy-testing.md is the reference for `policies test` and `policies diff`: every option of
 * both commands, every field a cases file may hold and every facet diff compares must be in it,
 * so an option or field added later without a word in the docs fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../cli/main';
import { ExpectSchema, ShortEventSchema } from '../../policies/cases/schema';
import { FACETS } from '../../policies/decision-facets';
import { REPO_ROOT } from '../policies/fixtures';

const docs = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'policy-testing.md'), 'utf8');

function subcommand(name: string): Command {
  const policies = buildProgram().commands.find((c) => c.name() === 'policies')!;
  return policies.commands.find((c) => c.name() === name)!;
}

test.each(['test', 'diff'])('every option of `policies %s` is documented', (name) => {
  const command = subcommand(name);
  const flags = command.options.map((option) => option.long!);
  expect(flags.length).toBeGreaterThan(0);
  for (const flag of flags) expect(docs).toContain(`\`${flag}`);
  expect(docs).toContain(`npx connect-remediator policies ${name} `);
});

test('every expectation, short-form event field and diff facet is documented', () => {
  for (const key of Object.keys(ExpectSchema.shape)) expect(docs).toContain(`| \`${key}\``);
  for (const key of Object.keys(ShortEventSchema.shape)) expect(docs).toContain(`\`${key}\``);
  for (const facet of FACETS) expect(docs).toContain(`| \`${facet}\``);
});

test('the exit statuses are documented for both commands', () => {
  expect(docs).toContain('Exit status: **0** every case holds, **1** a case failed, **2**');
  expect(docs).toContain('Exit status: **0** nothing would be treated differently, **1** something would');
});
