#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx's CommonJS hook): no build step between a clone and
// `npx connect-remediator`.

// The AWS SDK warns on every start that releases after January 2027 need Node.js 22; that is
// advice for the maintainers (see README), not something an operator can act on mid-incident.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0] && rest[0].type;
  if (type === 'NodeVersionSupportWarning') return;
  emitWarning(warning, ...rest);
};

require('tsx/cjs');
void require('../worker/cli.ts').main(process.argv);
