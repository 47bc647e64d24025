#!/usr/bin/env node
// npm test: builds what is missing or stale, then runs every suite:
//   1. kernel tests (GoogleTest) natively under ASan+UBSan,
//   2. the same kernel tests compiled with em++ (SIMD128 + threads) under Node,
//   3. the JS suites (Jest, tests/js), then again under each Node line in
//      tools/node-versions (22, 24),
//   3b. each libFuzzer target (tests/fuzz) for a few seconds,
//   3c. the benches' own arithmetic (bench/*/*.test.mjs),
//   4. the browser suites (tests/e2e), when present, and the package suite
//      again under each Node line in tools/node-versions.
// Ends with one line "N passed, N failed" summing all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NODE_PATH: process.env.NODE_PATH || '/usr/share/nodejs' };
const only = process.argv.slice(2);  // e.g. `npm test -- jest` runs one suite
const want = (name) => only.length === 0 || only.includes(name);
const totals = { passed: 0, failed: 0 };
const results = [];

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit', ...opts });
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

// A suite's line reads "N passed, N failed", then ", N skipped" when a test
// skipped itself (GTEST_SKIP): a skip is neither a pass nor a failure.
function record(suite, passed, failed, note = '', skipped = 0) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped = (totals.skipped ?? 0) + skipped;
  const skips = skipped ? `, ${skipped} skipped` : '';
  results.push(`${suite}: ${passed} passed, ${failed} failed${skips}${note ? ` (${note})` : ''}`);
}

function gtestCounts(suite, jsonPath, exitStatus) {
  if (!existsSync(jsonPath)) {
    record(suite, 0, 1, `no report; exit status ${exitStatus}`);
    return;
  }
  const report = JSON.parse(readFileSync(jsonPath, 'utf8'));
  const failed = report.failures + (report.errors ?? 0);
  const skipped = (report.testsuites ?? [])
    .flatMap((s) => s.testsuite ?? [])
    .filter((t) => t.result === 'SKIPPED').length;
  record(suite, report.tests - failed - skipped - (report.disabled ?? 0), failed, '', skipped);
}

// 0. Build the WebAssembly module if dist/ is missing or older than a source.
const stamp = join(root, 'dist', 'BUILD_INFO.json');
const sources = ['cpp', 'bindings', 'js', 'CMakeLists.txt', 'scripts/build.mjs'];
const sourceTime = Math.max(...sources.map((s) => {
  const p = join(root, s);
  return statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs;
}));
if (!existsSync(stamp) || statSync(stamp).mtimeMs < sourceTime) {
  const b = run('node', [join(root, 'scripts', 'build.mjs')]);
  if (b.status !== 0) {
    record('build', 0, 1);
    console.log(results.join('\n'));
    console.log(`${totals.passed} passed, ${totals.failed} failed`);
    process.exit(1);
  }
}

// 1. Native kernel tests under sanitizers.
if (want('native')) {
  const dir = join(root, 'build', 'native');
  if (!existsSync(join(dir, 'CMakeCache.txt'))) run('cmake', ['-S', root, '-B', dir, '-DCMAKE_BUILD_TYPE=Debug']);
  const b = run('cmake', ['--build', dir, '-j2', '--target', 'nnwasm_kernel_tests']);
  if (b.status !== 0) record('native kernel tests', 0, 1, 'build failed');
  else {
    const json = join(dir, 'gtest-results.json');
    const r = run(join(dir, 'nnwasm_kernel_tests'), [`--gtest_output=json:${json}`, '--gtest_brief=1']);
    gtestCounts('native kernel tests (ASan+UBSan)', json, r.status);
  }
}

// 2. The same kernel tests as WebAssembly, so the SIMD128 paths run.
if (want('wasm')) {
  const dir = join(root, 'build', 'wasm');
  const b = run('cmake', ['--build', dir, '-j2', '--target', 'nnwasm_kernel_tests_wasm']);
  if (b.status !== 0) record('wasm kernel tests', 0, 1, 'build failed');
  else {
    const json = join(dir, 'gtest-results.json');
    // Emscripten 3.1.6 would fetch() its .wasm by path, which Node's fetch refuses.
    const r = run('node', ['--no-experimental-fetch', join(dir, 'nnwasm_kernel_tests_wasm.js'),
      `--gtest_output=json:${json}`, '--gtest_brief=1'], { cwd: dir });
    gtestCounts('wasm kernel tests (SIMD128, threads)', json, r.status);
  }
}

// 3. Jest, under the Node running this script.
function jest(suite, node, suiteEnv, json) {
  rmSync(json, { force: true });  // a report left by an earlier run must not count
  const r = run(node, ['--experimental-vm-modules', '--expose-gc', join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--json', `--outputFile=${json}`, '--silent'], { env: suiteEnv });
  if (!existsSync(json)) record(suite, 0, 1, `no report; exit status ${r.status}`);
  else {
    const report = JSON.parse(readFileSync(json, 'utf8'));
    const suiteErrors = report.numRuntimeErrorTestSuites ?? 0;
    record(suite, report.numPassedTests, report.numFailedTests + suiteErrors,
      suiteErrors ? `${suiteErrors} suites failed to run` : '');
  }
}
if (want('jest')) jest('jest (tests/js)', 'node', env, join(root, 'build', 'jest-results.json'));

// 3a. Jest again under each Node line in tools/node-versions (the maintained
// lines beside the system Node): `npm test -- node22` runs one. Their bin
// folder goes first on PATH, so the `node` a test spawns is that one too.
const nodeVersions = join(root, 'tools', 'node-versions');
const extraNodes = existsSync(join(nodeVersions, 'package.json'))
  ? Object.keys(JSON.parse(readFileSync(join(nodeVersions, 'package.json'), 'utf8')).dependencies ?? {}).sort() : [];
for (const name of extraNodes) {
  if (!want(name)) continue;
  const bin = join(nodeVersions, 'node_modules', name, 'bin');
  const node = join(bin, 'node');
  if (!existsSync(node)) {
    record(`jest under ${name}`, 0, 1, 'not installed: run `npm ci --prefix tools/node-versions`');
    continue;
  }
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  jest(`jest (tests/js) under Node ${version}`, node, { ...env, PATH: `${bin}:${env.PATH}` },
    join(root, 'build', `jest-${name}-results.json`));
}

// 3b. Fuzzing, bounded: each libFuzzer target (tests/fuzz) for a few seconds
// under ASan+UBSan; one passed per clean target. `npm run fuzz` is the long run.
if (want('fuzz')) {
  const seconds = process.env.NNWASM_TEST_FUZZ_SECONDS || '3';
  const r = spawnSync('node', [join(root, 'scripts', 'fuzz.mjs'), '--seconds', seconds, '--quiet'],
    { cwd: root, env, stdio: ['inherit', 'pipe', 'inherit'] });
  const out = r.stdout.toString();
  process.stdout.write(out);
  const m = out.match(/^fuzz: (\d+) passed, (\d+) failed/m);
  // fuzz.mjs gives libFuzzer -max_total_time=<seconds>; each target's line
  // reports the wall time, start-up and the final pass included.
  const walls = [...out.matchAll(/^fuzz \S+: clean, \d+ execs in (\d+) s$/gm)].map((w) => Number(w[1]));
  const wall = walls.length === 0 ? '' : Math.min(...walls) === Math.max(...walls) ? `, ${walls[0]} s each`
    : `, ${Math.min(...walls)}-${Math.max(...walls)} s each`;
  if (m) record(`fuzz (tests/fuzz, ${seconds} s of fuzzing per target${wall} with start-up)`, Number(m[1]), Number(m[2]));
  else record('fuzz', 0, 1, `no summary; exit status ${r.status}`);
}

// 3c. The benches' own arithmetic (node:test, no library timed): layer
// lists, references, ratios, the first-call and whole-model reports.
if (want('bench')) {
  const files = ['sweep/sweep.test.mjs', 'firstcall/firstcall.test.mjs', 'models/models.test.mjs'].map((f) => join(root, 'bench', f));
  const r = spawnSync('node', ['--test', ...files], { cwd: root, env, stdio: ['inherit', 'pipe', 'inherit'] });
  const out = r.stdout.toString();
  process.stdout.write(out);
  const pass = out.match(/^# pass (\d+)$/m), fail = out.match(/^# fail (\d+)$/m);
  if (pass && fail) record('bench arithmetic (bench/*/*.test.mjs, node:test)', Number(pass[1]), Number(fail[1]));
  else record('bench arithmetic', 0, 1, `no summary; exit status ${r.status}`);
}

// 4. Browser tests, each tests/e2e/*.spec.js prints a JSON summary line.
if (want('e2e') && existsSync(join(root, 'tests', 'e2e', 'run.mjs'))) {
  const r = spawnSync('node', [join(root, 'tests', 'e2e', 'run.mjs')], { cwd: root, env, stdio: ['inherit', 'pipe', 'inherit'] });
  const out = r.stdout.toString();
  process.stdout.write(out);
  const m = out.match(/^e2e: (\d+) passed, (\d+) failed/m);
  if (m) record('e2e (tests/e2e, Chromium)', Number(m[1]), Number(m[2]));
  else record('e2e', 0, 1, `no summary; exit status ${r.status}`);
}

// 4b. The package suite (npm pack, installed and used from Node ESM,
// CommonJS, TypeScript, Vite) under each extra Node line, as 3a does Jest.
for (const name of extraNodes) {
  if (!want(name) || !existsSync(join(root, 'tests', 'e2e', 'run.mjs'))) continue;
  const bin = join(nodeVersions, 'node_modules', name, 'bin');
  const node = join(bin, 'node');
  if (!existsSync(node)) {
    record(`package under ${name}`, 0, 1, 'not installed: run `npm ci --prefix tools/node-versions`');
    continue;
  }
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const r = spawnSync(node, [join(root, 'tests', 'e2e', 'run.mjs'), 'package'],
    { cwd: root, env: { ...env, PATH: `${bin}:${env.PATH}` }, stdio: ['inherit', 'pipe', 'inherit'] });
  const out = r.stdout.toString();
  process.stdout.write(out);
  const m = out.match(/^e2e: (\d+) passed, (\d+) failed/m);
  if (m) record(`package (tests/package) under Node ${version}`, Number(m[1]), Number(m[2]));
  else record(`package under Node ${version}`, 0, 1, `no summary; exit status ${r.status}`);
}

console.log(`\n${results.join('\n')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed === 0 ? 0 : 1);
