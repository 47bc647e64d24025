// Machine limits measured in the same run as the libraries: memory read
// bandwidth (plain C sum loop, native and compiled to WASM) and the one-core
// WASM SIMD f32 mul+add peak. Programs are compiled into bench/.build at
// bench time (only when their source or flags changed).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const BENCH_DIR = path.dirname(new URL(import.meta.url).pathname);
export const BUILD_DIR = path.join(BENCH_DIR, '.build');

// emcc 3.1.6 on Debian needs Debian's acorn for its JS optimizer.
const EMCC_ENV = { ...process.env, NODE_PATH: '/usr/share/nodejs' };

const PROGRAMS = {
  bandwidthNative: {
    source: 'bandwidth.c', output: 'bandwidth',
    compiler: 'gcc', flags: ['-O2', '-pthread'],
  },
  // SINGLE_FILE embeds the .wasm so `node x.js` never tries to fetch() a path
  // (which fails in Node >= 18 with this Emscripten); the pthread worker stays
  // a separate file next to it. EXIT_RUNTIME lets the process end after main.
  bandwidthWasm: {
    source: 'bandwidth.c', output: 'bandwidth-wasm.js',
    compiler: 'emcc',
    flags: ['-O3', '-msimd128', '-pthread', '-sENVIRONMENT=node,worker', '-sSINGLE_FILE=1',
      '-sPTHREAD_POOL_SIZE=2', '-sEXIT_RUNTIME=1', '-sALLOW_MEMORY_GROWTH=1', '-sMAXIMUM_MEMORY=4GB'],
  },
  peakWasm: {
    source: 'peak.c', output: 'peak.js',
    compiler: 'emcc', flags: ['-O3', '-msimd128', '-sENVIRONMENT=node', '-sSINGLE_FILE=1'],
  },
};

/** Compile a probe unless an up-to-date build with the same flags exists. */
function build(program) {
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  // Emscripten's Node glue is CommonJS; this package is "type": "module".
  fs.writeFileSync(path.join(BUILD_DIR, 'package.json'), '{"type":"commonjs"}\n');
  const src = path.join(BENCH_DIR, program.source);
  const out = path.join(BUILD_DIR, program.output);
  const stamp = `${out}.flags`;
  const command = [program.compiler, ...program.flags, '-o', out, src];
  const upToDate = fs.existsSync(out) && fs.existsSync(stamp) &&
    fs.readFileSync(stamp, 'utf8') === command.join(' ') &&
    fs.statSync(out).mtimeMs > fs.statSync(src).mtimeMs;
  if (!upToDate) {
    execFileSync(command[0], command.slice(1), {
      env: program.compiler === 'emcc' ? EMCC_ENV : process.env, stdio: ['ignore', 'ignore', 'pipe'],
    });
    fs.writeFileSync(stamp, command.join(' '));
  }
  return { out, command: command.join(' ').replaceAll(BENCH_DIR + '/', 'bench/') };
}

function runJson(file, args, { node = false } = {}) {
  const [cmd, argv] = node ? [process.execPath, [file, ...args]] : [file, args];
  const text = execFileSync(cmd, argv.map(String), { encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(text.trim().split('\n').pop());
}

/**
 * @param {{ threadCounts: number[], sizesMiB: number[], log: (s: string) => void }} options
 *   sizesMiB: extra buffer sizes (the pooling inputs) for the native probe
 * @returns limits object for the report; failures are recorded, not thrown.
 */
export function measureLimits({ threadCounts, sizesMiB = [], log }) {
  const limits = {
    bandwidthNative: {}, bandwidthWasm: {}, bandwidthBySize: {}, peak: null, commands: {}, errors: [],
  };
  const bufferMiB = 1024; // far above any cache; TLB/paging effects amortized
  const passes = 20;      // best-of: the 2-thread figure varies run to run here

  const attempt = (what, fn) => {
    try { fn(); } catch (err) {
      const detail = String(err?.stderr ?? '').split('\n').filter(Boolean).slice(-3).join(' | ');
      limits.errors.push(`${what}: ${err.message.split('\n')[0]}${detail ? ` (${detail})` : ''}`);
      log(`  ${what} failed: ${err.message.split('\n')[0]}`);
    }
  };

  attempt('native bandwidth', () => {
    const { out, command } = build(PROGRAMS.bandwidthNative);
    limits.commands.bandwidthNative = command;
    for (const t of threadCounts) {
      limits.bandwidthNative[t] = runJson(out, [bufferMiB, t, passes]);
      log(`  read bandwidth, native, ${t} thread(s): ${limits.bandwidthNative[t].gbps.toFixed(1)} GB/s`);
    }
    // Same probe on buffers the size of each pooling input: repeated reads of
    // a few tens of MiB partly hit the last-level cache, so DRAM bandwidth is
    // not the ceiling there.
    for (const size of sizesMiB) {
      limits.bandwidthBySize[size] = {};
      for (const t of threadCounts) limits.bandwidthBySize[size][t] = runJson(out, [size, t, passes]);
      log(`  read bandwidth, native, ${size} MiB buffer: ${threadCounts.map((t) => `${limits.bandwidthBySize[size][t].gbps.toFixed(1)} GB/s @${t}`).join(', ')}`);
    }
  });
  attempt('wasm bandwidth', () => {
    const { out, command } = build(PROGRAMS.bandwidthWasm);
    limits.commands.bandwidthWasm = command;
    for (const t of threadCounts) {
      limits.bandwidthWasm[t] = runJson(out, [bufferMiB, t, passes], { node: true });
      log(`  read bandwidth, wasm in Node, ${t} thread(s): ${limits.bandwidthWasm[t].gbps.toFixed(1)} GB/s`);
    }
  });
  attempt('wasm SIMD peak', () => {
    const { out, command } = build(PROGRAMS.peakWasm);
    limits.commands.peakWasm = command;
    limits.peak = runJson(out, [100, 5], { node: true });
    log(`  WASM SIMD mul+add peak, 1 core: ${limits.peak.gflops.toFixed(1)} GFLOP/s`);
  });
  return limits;
}
