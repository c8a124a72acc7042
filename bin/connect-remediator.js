#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx's CommonJS hook): no build step between a clone and
// `npx connect-remediator`.

// The AWS SDK warns on every start that releases after January 2027 need Node.js 22; that is
// advice for the maintainers (see README), not something an operator can act on mid-incident.
// The SDK's own switch turns it off; set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

require('tsx/cjs');
void require('../cli/main.ts').main(process.argv);
