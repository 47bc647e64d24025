#!/usr/bin/env node
// Browser and packaging suites (step 4 of `npm test`):
//   tests/e2e/demo.spec.mjs        the demo page in Chromium, isolated and not
//   tests/e2e/model.spec.mjs       the demo's trained model: draw, classify, user's model files
//   tests/e2e/worker.spec.mjs      examples/worker/: nnwasm in a module Web Worker
//   tests/package/package.spec.mjs npm pack, installed and used from Node ESM,
//                                  CommonJS, TypeScript, Vite and webpack pages
// Prints "e2e: N passed, N failed" and exits non-zero on any failure.
//   node tests/e2e/run.mjs [demo|model|worker|io|package] [--update-docs]
// --update-docs also writes the screenshot to docs/demo.png (for the README).
import { existsSync } from 'node:fs';
import { CHROMIUM, launchBrowser, Suite } from './harness.mjs';

const args = process.argv.slice(2);
const updateDocs = args.includes('--update-docs');
const only = args.filter((a) => !a.startsWith('--'));
const want = (name) => only.length === 0 || only.includes(name);

const suite = new Suite();
const t0 = performance.now();
let browser = null;
try {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run \`bash scripts/bootstrap.sh\` (it installs Debian's chromium) or set CHROMIUM_PATH`);
  browser = await launchBrowser();
  if (want('demo')) await (await import('./demo.spec.mjs')).run(suite, { context: browser.context, updateDocs });
  if (want('model')) await (await import('./model.spec.mjs')).run(suite, { context: browser.context });
  if (want('worker')) await (await import('./worker.spec.mjs')).run(suite, { context: browser.context });
  if (want('io')) await (await import('./io.spec.mjs')).run(suite, { context: browser.context });
  if (want('package')) await (await import('../package/package.spec.mjs')).run(suite, { context: browser.context });
} catch (e) {
  suite.failed++;
  console.log(`  ✗ the e2e run itself failed: ${e?.stack ?? e}`);
} finally {
  await browser?.close();
}

const seconds = ((performance.now() - t0) / 1000).toFixed(1);
console.log(`e2e: ${suite.passed} passed, ${suite.failed} failed (${seconds} s)`);
// Idle nnwasm workers in this process are unref'd; exit explicitly anyway.
process.exit(suite.failed === 0 ? 0 : 1);
