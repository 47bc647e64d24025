// One sweep pass at one thread count: nnwasm, tfjs-backend-wasm and
// onnxruntime-web side by side in this one process, layer after layer, so the
// three cells of a layer are timed within the same second or two (this shared
// machine's speed drifts over minutes; a drift then hits all three alike).
// Usage: node bench/sweep/child.mjs --threads N --out file.json
//        [--only networks] [--budget-ms 150] [--round R] [--libs nnwasm,tfjs,ort]
// Writes { threads, setups: { lib: setup | { error } }, layers: [...] } to --out.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measure } from '../measure.mjs';
import { Skip } from '../libs/common.mjs';
import { LIBS, setupLib, prepareLib, setNnwasmThreads } from './adapters.mjs';
import { selectNetworks, makeLayerInputs, verifyLayer, maxDifference } from './layers.mjs';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '1' },
    out: { type: 'string' },
    only: { type: 'string' },
    libs: { type: 'string', default: LIBS.join(',') },
    'budget-ms': { type: 'string', default: '150' },
    round: { type: 'string', default: '0' },
  },
});
const threads = Number(args.threads);
const budgetMs = Number(args['budget-ms']);
const round = Number(args.round);
const libs = args.libs.split(',').filter((l) => LIBS.includes(l));
const scratchDir = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '.build');
const log = (msg) => process.stderr.write(`  [sweep x${threads}] ${msg}\n`);
const TOLERANCE = 1e-3;
const SLICES = 3;          // interleaved timing slices per cell, sharing its budget
const RE_WARMUP_MS = 15;   // warm-up of the later slices (caches, not the JIT)

const result = { threads, setups: {}, layers: [] };
const save = () => fs.writeFileSync(args.out, JSON.stringify(result, null, 1));

const ready = [];
for (const lib of libs) {
  let timer;
  try {
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('setup did not finish within 120 s')), 120_000);
    });
    result.setups[lib] = await Promise.race([setupLib(lib, { threads, scratchDir }), timeout]);
    ready.push(lib);
    log(`${lib} ready: version ${result.setups[lib].version}, threads used ${result.setups[lib].threadsUsed}`);
  } catch (err) {
    result.setups[lib] = { error: String(err?.message ?? err) };
    log(`${lib} unavailable: ${result.setups[lib].error}`);
  } finally {
    clearTimeout(timer);
  }
}
save();

const layers = selectNetworks(args.only).flatMap((n) => n.layers);
for (const [index, layer] of layers.entries()) {
  const inputs = makeLayerInputs(layer);
  const row = { id: layer.id, cells: {} };
  const prepared = {};
  for (const lib of ready) {
    try {
      prepared[lib] = await prepareLib(lib, layer, inputs);
    } catch (err) {
      const skipped = err instanceof Skip;
      row.cells[lib] = { status: skipped ? 'skipped' : 'error', reason: String(err?.message ?? err) };
      log(`${layer.id} ${lib}: ${skipped ? 'skipped' : 'ERROR'}: ${err?.message ?? err}`);
    }
  }

  // Check before timing: every variant against the reference (a seeded
  // sample) and against the other libraries' whole outputs, all within 1e-3.
  const outputs = {};
  const variantsOf = Object.entries(prepared);
  for (const [lib, variants] of variantsOf) {
    row.cells[lib] = { status: 'ok', variants: [] };
    for (const v of variants) {
      const entry = { label: v.label, note: v.note };
      try {
        const out = await v.output();
        entry.reference = verifyLayer(layer, inputs, out, { samples: 512 });
        // Only outputs the reference accepts are the others' yardstick, so
        // one wrong library is flagged alone.
        if (entry.reference.ok) outputs[lib] ??= out;
        entry.output = out;
      } catch (err) {
        entry.status = 'error';
        entry.reason = String(err?.message ?? err);
      }
      row.cells[lib].variants.push(entry);
    }
  }
  for (const [lib] of variantsOf) {
    for (const entry of row.cells[lib].variants) {
      if (!entry.output) continue;
      entry.differences = {};
      for (const [other, out] of Object.entries(outputs)) {
        if (other !== lib) entry.differences[other] = maxDifference(entry.output, out);
      }
      const agrees = Object.values(entry.differences).every((d) => d <= TOLERANCE);
      entry.status = entry.reference.ok && agrees ? 'ok' : 'wrong';
      delete entry.output;
    }
  }

  // Time in interleaved slices: each slice times every library once (the
  // order turning with the layer, the round and the slice), and a cell keeps
  // its slice with the lowest median, so a burst of load on this shared
  // machine costs one library one slice, not its whole cell.
  const order = ready.filter((lib) => prepared[lib]);
  const sliceMs = budgetMs / SLICES;
  for (let slice = 0; slice < SLICES; slice++) {
    const shift = (index + round + slice) % Math.max(order.length, 1);
    const warmupMs = slice === 0 ? undefined : RE_WARMUP_MS;
    for (const lib of [...order.slice(shift), ...order.slice(0, shift)]) {
      for (const [i, v] of prepared[lib].entries()) {
        const entry = row.cells[lib].variants[i];
        if (entry.status === 'error') continue;
        const timeOnce = () => measure(v.run, { budgetMs: sliceMs, isAsync: !!v.isAsync, warmupMs });
        const lower = (a, b) => (!a || b.medianMs < a.medianMs ? b : a);
        try {
          entry.timing = lower(entry.timing, await timeOnce());
          // The same layer on one thread right after, in this process: the
          // split's own speed-up, free of the drift between the passes.
          if (lib === 'nnwasm' && threads > 1) {
            setNnwasmThreads(1);
            try {
              entry.oneThread = lower(entry.oneThread, await timeOnce());
            } finally {
              setNnwasmThreads(threads);
            }
          }
        } catch (err) {
          entry.status = 'error';
          entry.reason = String(err?.message ?? err);
        }
      }
    }
  }
  for (const variants of Object.values(prepared)) {
    for (const v of variants) {
      try { await v.dispose?.(); } catch { /* a failed free must not stop the sweep */ }
    }
  }
  const summary = Object.entries(row.cells).map(([lib, c]) => {
    const times = (c.variants ?? []).filter((e) => e.timing).map((e) => e.timing.medianMs);
    const wrong = (c.variants ?? []).some((e) => e.status === 'wrong');
    return `${lib} ${times.length ? Math.min(...times).toFixed(3) + ' ms' : c.status}${wrong ? ' (WRONG)' : ''}`;
  });
  log(`${layer.id} ${layer.name}: ${summary.join(', ')}`);
  result.layers.push(row);
  save();
}
save();
// Libraries with pthread pools may keep the event loop alive; we are done.
process.exit(0);
