/**
 * docs/deploying.md's permission tables, read the way a reader sees them: the infra tests hold the
 * CDK app's policies to these, so the docs and the templates cannot drift apart.
 */
import fs from 'node:fs';
import path from 'node:path';

const DEPLOYING = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'deploying.md'), 'utf8');

/** Every `service:Action` in the first column of the table whose header starts with `header`, sorted. */
export function documentedPermissions(header: string): string[] {
  const lines = DEPLOYING.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${header} `));
  if (start < 0) throw new Error(`docs/deploying.md has no table whose header starts with "| ${header} "`);
  const actions: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const firstCell = line.split('|')[1] ?? '';
    for (const m of firstCell.matchAll(/`([a-z0-9-]+:[A-Za-z*]+)`/g)) actions.push(m[1]!);
  }
  if (actions.length === 0) throw new Error(`the "${header}" table of docs/deploying.md lists no actions`);
  return actions.sort();
}
