// First calls (bench/firstcall/networks.mjs): the time of the 1st and of the
// 10th call of a single Keras Conv2D and of four whole networks, each in a
// fresh Node process (V8's default tiering, nothing warmed), nnwasm beside
// tfjs-layers on tfjs-backend-wasm, at every thread count.
//
// Alone:    node bench/firstcall/run.mjs [options]   (writes /tmp/nnwasm-firstcall.md)
// In bench: npm run bench runs it after the whole models (--no-firstcall skips it)
//
// Options (all optional):
//   --only conv,mobilenetv2   cases (or texts their ids contain)
//   --libs nnwasm,tfjs
//   --threads 1,2
//   --rounds 2        fresh processes per cell; each cell keeps its round with
//                     the lowest first call (this shared machine's drift)
//   --nnwasm-root DIR time another checkout's nnwasm (before/after runs)
//   --out FILE        report path
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { selectCases } from './networks.mjs';
import { firstCallSection } from './report.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BUILD_DIR = path.join(HERE, '..', '.build');
const ARTIFACTS = path.join(BUILD_DIR, 'firstcall-artifacts');

/**
 * Run the first-call bench; never throws for a library's failure (it is reported).
 * @returns {Promise<{ cells, options, seconds }>}
 */
export async function runFirstCalls({ threadCounts, rounds = 2, only, libs = 'nnwasm,tfjs', nnwasmRoot, log = () => {} }) {
  const started = Date.now();
  const cases = selectCases(only);
  // nnwasm-nowarmup: the models loaded with { warmup: false } (beside nnwasm).
  const libList = libs.split(',').filter((l) => l === 'nnwasm' || l === 'tfjs');
  if (libList.includes('nnwasm')) libList.splice(1, 0, 'nnwasm-nowarmup');
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const needed = cases.filter((c) => c.kind === 'model' && !fs.existsSync(path.join(ARTIFACTS, `${c.id}.bin`)));
  if (needed.length) {
    log(`first calls: building the artifacts of ${needed.map((c) => c.id).join(', ')} with tfjs-layers...`);
    await spawnChild(['--make-artifacts', ARTIFACTS, '--only', needed.map((c) => c.id).join(',')], log);
  }
  const cells = [];
  for (let round = 0; round < rounds; round++) {
    log(`first calls round ${round + 1}/${rounds}...`);
    for (const c of cases) {
      for (const threads of threadCounts) {
        // The library order turns with the round.
        for (const lib of round % 2 ? [...libList].reverse() : libList) {
          if (lib === 'nnwasm-nowarmup' && c.kind !== 'model') continue;
          const out = path.join(BUILD_DIR, `firstcall-${c.id}-${lib}-${threads}.json`);
          fs.rmSync(out, { force: true });
          const args = ['--case', c.id, '--lib', lib, '--threads', String(threads), '--out', out, '--artifacts', ARTIFACTS];
          if (nnwasmRoot && lib.startsWith('nnwasm')) args.push('--nnwasm-root', nnwasmRoot);
          // tfjs's threaded start-up in Node now and then never settles (the
          // process exits with 13, a top-level await left pending): one retry.
          let crash = await spawnChild(args, log);
          if (crash && !fs.existsSync(out)) crash = await spawnChild(args, log);
          let r;
          try {
            r = JSON.parse(fs.readFileSync(out, 'utf8'));
          } catch {
            r = { case: c.id, lib, threads, calls: [], error: crash ?? 'no result' };
          }
          if (crash && !r.error) r.error = crash;
          keepFaster(cells, r);
          log(`  ${c.id} ${lib} x${threads}: ${r.error ? `ERROR ${r.error.split('\n')[0]}` : `1st ${r.calls[0].toFixed(1)} ms, 10th ${r.calls[9].toFixed(1)} ms`}`);
        }
      }
    }
  }
  const results = { cells, options: { threadCounts, rounds, only, libs, nnwasmRoot }, seconds: (Date.now() - started) / 1000 };
  fs.writeFileSync(path.join(BUILD_DIR, 'firstcall-results.json'), JSON.stringify(results, null, 1));
  return results;
}

/** Keep each (case, lib, threads) cell's round with the lowest first call; count the rounds. */
export function keepFaster(cells, r) {
  const i = cells.findIndex((c) => c.case === r.case && c.lib === r.lib && c.threads === r.threads);
  const firsts = [...(i >= 0 ? cells[i].roundFirsts : []), r.calls[0] ?? null];
  if (i < 0) cells.push({ ...r, roundFirsts: firsts });
  else if (!r.error && (cells[i].error || r.calls[0] < cells[i].calls[0])) cells[i] = { ...r, roundFirsts: firsts };
  else cells[i].roundFirsts = firsts;
}

// -> null, or what went wrong.
function spawnChild(args, log) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(HERE, 'child.mjs'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    child.stderr.on('data', (chunk) => {
      tail = (tail + chunk).slice(-2000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 5 * 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(null);
      const why = `exited with ${signal ?? code}: ${tail.split('\n').filter(Boolean).slice(-3).join(' | ')}`;
      log(`  first calls: ${why}`);
      resolve(why);
    });
  });
}

// ---- standalone ------------------------------------------------------------------

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values: args } = parseArgs({
    options: {
      only: { type: 'string' },
      libs: { type: 'string', default: 'nnwasm,tfjs' },
      threads: { type: 'string', default: '1,2' },
      rounds: { type: 'string', default: '2' },
      'nnwasm-root': { type: 'string' },
      out: { type: 'string', default: path.join(os.tmpdir(), 'nnwasm-firstcall.md') },
    },
  });
  const log = (msg) => process.stderr.write(msg + '\n');
  const load = os.loadavg()[0];
  const results = await runFirstCalls({
    threadCounts: args.threads.split(',').map(Number), rounds: Math.max(1, Number(args.rounds) || 1), only: args.only,
    libs: args.libs, nnwasmRoot: args['nnwasm-root'], log,
  });
  const header = [
    '# nnwasm first-call bench', '',
    `Generated by \`node bench/firstcall/run.mjs\` on ${new Date().toISOString()}: ${os.cpus().length} cores, Node ${process.version}, ` +
    `1-minute load average ${load.toFixed(2)} before / ${os.loadavg()[0].toFixed(2)} after. Raw numbers: bench/.build/firstcall-results.json.`,
    '',
  ];
  fs.writeFileSync(args.out, header.join('\n') + '\n' + firstCallSection(results) + '\n');
  log(`wrote ${args.out} in ${results.seconds.toFixed(0)} s (first calls only)`);
}
