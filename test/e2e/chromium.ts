/**
 * Debian's Chromium driven by playwright-core (which never downloads a browser). Where it is not
 * installed, jest.config.js leaves the browser test files out — loudly, with the command that
 * installs it — rather than failing for a reason unrelated to the code; CI installs it first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

// Keep in step with jest.config.js, which decides whether the browser tests run.
export const CHROMIUM_PATH = '/usr/bin/chromium';

const HEADLESS_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const TEST_OUTPUT_DIR = path.join(__dirname, '..', '..', 'test-output');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: HEADLESS_ARGS });
}

/** A path under test-output/ (gitignored) for a screenshot; the directory is created on demand. */
export function screenshotPath(name: string): string {
  fs.mkdirSync(TEST_OUTPUT_DIR, { recursive: true });
  return path.join(TEST_OUTPUT_DIR, `${name}.png`);
}
