#!/usr/bin/env node
// npm run fuzz: builds every libFuzzer target (tests/fuzz/<kernel>_fuzz.cc)
// natively with clang++ under ASan+UBSan in build/fuzz, then runs each for a
// set time, starting from its seed corpus (tests/fuzz/corpus/<target>).
//
//   npm run fuzz                        # 60 s per target
//   npm run fuzz -- --seconds 5         # (or FUZZ_SECONDS=5)
//   npm run fuzz -- --only global_avg   # targets whose name contains this
//   npm run fuzz -- --quiet             # libFuzzer output to build/fuzz/logs/
//
// Prints one line per target and a closing note; exits non-zero if any
// target crashed, keeping the crashing input in build/fuzz/crashes/ (replay:
// build/fuzz/<target> <file>). Inputs found along the way go to
// build/fuzz/corpus/<target>, never into the committed seeds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build', 'fuzz');
const fuzzDir = join(root, 'tests', 'fuzz');

function parseArgs(argv) {
  const opts = { seconds: Number(process.env.FUZZ_SECONDS ?? 60), only: null, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seconds') opts.seconds = Number(argv[++i]);
    else if (a.startsWith('--seconds=')) opts.seconds = Number(a.slice(10));
    else if (a === '--only') opts.only = argv[++i];
    else if (a === '--quiet') opts.quiet = true;
    else if (/^\d+$/.test(a)) opts.seconds = Number(a);
    else {
      console.error(`fuzz: unknown argument ${a} (use --seconds N, --only NAME, --quiet)`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.seconds) || opts.seconds < 1) {
    console.error(`fuzz: seconds must be an integer >= 1, got ${opts.seconds}`);
    process.exit(2);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const summary = (passed, failed) => console.log(`fuzz: ${passed} passed, ${failed} failed`);

const clang = spawnSync('sh', ['-c', 'command -v clang++'], { encoding: 'utf8' }).stdout.trim();
if (!clang) {
  console.error('fuzz: clang++ not found. Run `bash scripts/bootstrap.sh` (it installs clang and libclang-rt-14-dev).');
  summary(0, 1);
  process.exit(1);
}

const targets = readdirSync(fuzzDir)
  .filter((f) => f.endsWith('_fuzz.cc'))
  .map((f) => f.slice(0, -3))
  .filter((t) => opts.only === null || t.includes(opts.only))
  .sort();
if (targets.length === 0) {
  console.error(`fuzz: no targets${opts.only ? ` matching ${opts.only}` : ''} in tests/fuzz`);
  summary(0, 1);
  process.exit(1);
}

const quietIo = opts.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit';
// Configure every time (it is quick): a target file added since the last
// configure must become a make target before it can be named below.
{
  const c = spawnSync('cmake', ['-S', root, '-B', buildDir, `-DCMAKE_CXX_COMPILER=${clang}`,
    '-DCMAKE_BUILD_TYPE=Debug', '-DNNWASM_FUZZ=ON'], { stdio: quietIo, encoding: 'utf8' });
  if (c.status !== 0) {
    if (opts.quiet) process.stderr.write(c.stdout + c.stderr);
    console.error('fuzz: cmake configure failed');
    summary(0, targets.length);
    process.exit(1);
  }
}
const b = spawnSync('cmake', ['--build', buildDir, '-j2', '--target', ...targets], { stdio: quietIo, encoding: 'utf8' });
if (b.status !== 0) {
  if (opts.quiet) process.stderr.write(b.stdout + b.stderr);
  console.error('fuzz: build failed');
  summary(0, targets.length);
  process.exit(1);
}

for (const d of ['crashes', 'logs', 'corpus']) mkdirSync(join(buildDir, d), { recursive: true });
const results = [];
for (const target of targets) {
  const corpus = join(buildDir, 'corpus', target);  // written to: new inputs
  const seeds = join(fuzzDir, 'corpus', target);    // read only: committed seeds
  mkdirSync(corpus, { recursive: true });
  const log = join(buildDir, 'logs', `${target}.log`);
  const args = [
    `-max_total_time=${opts.seconds}`, '-print_final_stats=1', '-timeout=20', '-rss_limit_mb=3072',
    `-artifact_prefix=${join(buildDir, 'crashes', `${target}-`)}`, corpus,
  ];
  if (existsSync(seeds)) args.push(seeds);
  const env = {
    ...process.env,
    ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'detect_leaks=1:abort_on_error=0',
    UBSAN_OPTIONS: process.env.UBSAN_OPTIONS ?? 'print_stacktrace=1:halt_on_error=1',
  };
  const started = Date.now();
  const r = spawnSync(join(buildDir, target), args, { env, encoding: 'utf8', maxBuffer: 1 << 28 });
  // Wall time: libFuzzer's -max_total_time budget plus start-up, the corpus
  // load and the exit-time leak check, so about a second above the budget.
  const seconds = Number(((Date.now() - started) / 1000).toFixed(1));
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  writeFileSync(log, output);
  if (!opts.quiet) process.stdout.write(output);
  const execs = Number(output.match(/stat::number_of_executed_units:\s*(\d+)/)?.[1] ??
    output.match(/Done (\d+) runs/)?.[1] ?? 0);
  const crash = output.match(/Test unit written to (\S+)/)?.[1] ?? null;
  const ok = r.status === 0 && crash === null;
  results.push({ target, ok, execs, seconds, crash });
  const line = ok
    ? `fuzz ${target}: clean, ${execs} execs in ${opts.seconds} s of fuzzing (${seconds} s with start-up and leak check)`
    : `fuzz ${target}: FAILED (exit ${r.status ?? r.signal})${crash ? `, input kept in ${crash}; replay: build/fuzz/${target} ${crash}` : ''}; log ${log}`;
  console.log(line);
}

const failed = results.filter((r) => !r.ok);
const totalExecs = results.reduce((s, r) => s + r.execs, 0);
const wall = results.reduce((s, r) => s + r.seconds, 0).toFixed(0);
console.log(`\nfuzz: ${results.length} targets, ${opts.seconds} s of fuzzing each (${wall} s in all with start-up), ${totalExecs} execs in all: ` +
  (failed.length === 0 ? 'all ran clean (no crash, no sanitizer report, no mismatch with the reference)'
    : `${failed.length} failed: ${failed.map((r) => r.target).join(', ')}`));
const report = join(buildDir, 'last-run.json');
writeFileSync(report, JSON.stringify({ date: new Date().toISOString(), seconds: opts.seconds, results }, null, 2) + '\n');
summary(results.length - failed.length, failed.length);
process.exit(failed.length === 0 ? 0 : 1);
