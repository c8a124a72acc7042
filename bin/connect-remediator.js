#!/usr/bin/env node
// Runs the build in dist/ (`npm run build`) when there is one built from these very sources, else
// the TypeScript sources directly (tsx's CommonJS hook): no build step between a clone and
// `npx connect-remediator`. bin/build-state.js says how it chooses (CONNECT_REMEDIATOR_RUN_FROM).

// The AWS SDK warns on every start that releases after January 2027 need Node.js 22; that is
// advice for the maintainers (see README), not something an operator can act on mid-incident.
// The SDK's own switch turns it off; set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const path = require('node:path');
const { chooseEntry } = require('./build-state');

let entry;
try {
  entry = chooseEntry(path.join(__dirname, '..'));
} catch (err) {
  console.error(`connect-remediator: ${err.message}`);
  process.exit(2);
}
if (entry.notice) console.error(entry.notice);
if (entry.from === 'build') {
  void require('../dist/cli/main.js').main(process.argv);
} else {
  try {
    require('tsx/cjs');
  } catch {
    console.error(
      'connect-remediator: running the TypeScript sources needs tsx, a development dependency: ' +
        'run npm install (not --omit=dev), or npm run build',
    );
    process.exit(2);
  }
  void require('../cli/main.ts').main(process.argv);
}
