// One benchmark configuration (one library at one thread count) in its own
// Node process, so libraries never share a heap, a thread pool or JIT state.
// Usage: node bench/child.mjs --lib nnwasm|tfjs|ort --threads N --out file.json
//        [--only id,id...] [--budget-ms 600]
// Writes { lib, threads, setup, rows: [...] } as JSON to --out.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { selectWorkloads, makeInputs, verifyOutput } from './workloads.mjs';
import { measure } from './measure.mjs';
import { Skip } from './libs/common.mjs';

const ADAPTERS = {
  nnwasm: './libs/nnwasm.mjs',
  tfjs: './libs/tfjs.mjs',
  ort: './libs/ort.mjs',
};

const { values: args } = parseArgs({
  options: {
    lib: { type: 'string' },
    threads: { type: 'string', default: '1' },
    out: { type: 'string' },
    only: { type: 'string' },
    'budget-ms': { type: 'string', default: '600' },
  },
});
const threads = Number(args.threads);
const budgetMs = Number(args['budget-ms']);
const scratchDir = path.join(path.dirname(new URL(import.meta.url).pathname), '.build');
const log = (msg) => process.stderr.write(`  [${args.lib} x${threads}] ${msg}\n`);

const result = { lib: args.lib, threads, setup: null, rows: [] };
const save = () => fs.writeFileSync(args.out, JSON.stringify(result, null, 1));

const adapter = await import(ADAPTERS[args.lib]);
result.name = adapter.name;
try {
  // A library whose start-up promise never settles would otherwise end the
  // process silently (exit 13); a timer keeps it alive and names the problem.
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('setup did not finish within 120 s')), 120_000);
  });
  result.setup = await Promise.race([adapter.setup({ threads, scratchDir }), timeout]);
  clearTimeout(timer);
  log(`ready: version ${result.setup.version}, threads used ${result.setup.threadsUsed}`);
} catch (err) {
  result.setupError = String(err?.message ?? err);
  log(`unavailable: ${result.setupError}`);
  save();
  process.exit(0);
}

const selected = selectWorkloads(args.only);

for (const w of selected) {
  const inputs = makeInputs(w);
  let variants;
  try {
    variants = await adapter.prepare(w, inputs);
  } catch (err) {
    const skipped = err instanceof Skip;
    result.rows.push({ workload: w.id, status: skipped ? 'skipped' : 'error', reason: String(err?.message ?? err) });
    log(`${w.id}: ${skipped ? 'skipped' : 'ERROR'}: ${err?.message ?? err}`);
    if (!skipped && err?.stack) process.stderr.write(err.stack + '\n');
    continue;
  }
  for (const v of variants) {
    const row = { workload: w.id, label: v.label, note: v.note, exact: v.exact !== false };
    try {
      // Check once on the bench input, so what we time is the right work.
      const check = verifyOutput(w, inputs, await v.output());
      row.check = check;
      row.status = check.ok || !row.exact ? 'ok' : 'wrong';
      row.timing = await measure(v.run, { budgetMs, isAsync: !!v.isAsync });
      log(`${w.id} | ${v.label}: ${row.timing.medianMs.toFixed(4)} ms` +
        `${check.ok ? '' : ` (max error ${check.maxError.toExponential(2)}${row.exact ? ', WRONG' : ', approximation'})`}`);
    } catch (err) {
      row.status = 'error';
      row.reason = String(err?.message ?? err);
      log(`${w.id} | ${v.label}: ERROR ${row.reason}`);
    }
    result.rows.push(row);
  }
  for (const v of variants) {
    try { await v.dispose?.(); } catch { /* a failed free must not stop the run */ }
  }
  save();
}

save();
// Libraries with pthread pools may keep the event loop alive; we are done.
process.exit(0);
