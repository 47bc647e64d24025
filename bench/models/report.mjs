// The "## Whole models" Markdown section: a summary of the ratios per network
// and thread count, then each network's table (library x threads).
import { NETWORKS, TOLERANCE } from './networks.mjs';

const LIBS = ['nnwasm', 'tfjs'];
const LIB_NAMES = { nnwasm: 'nnwasm', tfjs: 'tfjs-layers on tfjs-backend-wasm' };

function sig(x, digits = 3) {
  if (x === undefined || x === null || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(decimals, 6));
}
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
const ratio = (tfjs, ours) => (tfjs && ours ? `${sig(tfjs / ours, 2)}x` : '—');

function checkText(c) {
  if (!c?.check) return '—';
  const { maxAbsDiff, relative, ok } = c.check;
  return `${ok ? '✓' : '✗ DIFFERS:'} ${maxAbsDiff ? maxAbsDiff.toExponential(1) : '0'} (${relative ? relative.toExponential(1) : '0'} of max |tfjs|)`;
}

function why(pass, net, lib) {
  const setup = pass.setups?.[lib];
  if (setup?.error) return `unavailable: ${setup.error}`;
  if (net?.error) return net.error;
  const c = net?.cells?.[lib];
  if (c?.error) return `error: ${c.error}`;
  return pass.crash ? `process crashed: ${pass.crash}` : 'not run';
}

/** @param {{ passes: object[], options: object, seconds: number }} results from runModels */
export function modelsSection(results) {
  const { passes, options } = results;
  const ids = [...new Set(passes.flatMap((p) => p.networks.map((n) => n.id)))];
  const nets = NETWORKS.filter((n) => ids.includes(n.id));
  const libs = LIBS.filter((lib) => passes.some((p) => p.setups?.[lib]));
  const out = ['## Whole models', ''];
  out.push(
    `MobileNetV2 and the M5 audio CNN built with tfjs-layers (seeded random weights), saved to layers-model artifacts in memory ` +
    '(`tf.io.withSaveHandler`) and loaded from those artifacts by both libraries: nnwasm with `keras.models.load_model(artifacts)`, ' +
    'tfjs with `tf.loadLayersModel(tf.io.fromMemory(artifacts))` (tfjs-layers on tfjs-backend-wasm). ' +
    'Both libraries run in one Node process per thread count, taking turns, so their ratios are meaningful on this shared machine; ' +
    `absolute times drift with its load. The run took ${sig(results.seconds, 2)} s (bench/models/run.mjs; raw numbers in bench/.build/models-results.json).`,
    '',
  );
  if (!nets.length || !libs.length) {
    out.push(`Nothing ran${passes.map((p) => (p.crash ? ` (${p.threads} threads: ${p.crash})` : '')).join('')}.`, '');
    return out.join('\n');
  }

  out.push('| network | threads | predict: tfjs / nnwasm | load: tfjs / nnwasm | load + first predict: tfjs / nnwasm | outputs: max abs diff vs tfjs |');
  out.push('|---|---|---|---|---|---|');
  for (const n of nets) {
    for (const pass of passes) {
      const row = pass.networks.find((r) => r.id === n.id);
      const ours = row?.cells?.nnwasm, peer = row?.cells?.tfjs;
      const ok = (c) => c && !c.error;
      const both = ok(ours) && ok(peer);
      const first = (c) => (c?.load && c?.firstPredict ? c.load.medianMs + c.firstPredict.medianMs : null);
      out.push(`| ${cell(n.title)} | ${threadsText(pass)} | ${both ? ratio(peer.predict?.medianMs, ours.predict?.medianMs) : '—'} | ` +
        `${both ? ratio(peer.load?.medianMs, ours.load?.medianMs) : '—'} | ${both ? ratio(first(peer), first(ours)) : '—'} | ` +
        `${ok(ours) ? checkText(ours) : cell(why(pass, row, 'nnwasm'))} |`);
    }
  }
  out.push('', 'Ratios above 1x: nnwasm is faster. The ratios come from one round (the quietest: lowest predict medians); ' +
    'every round\'s predict ratios: ' + nets.map((n) => `${n.id} ${passes.map((p) => {
      const rs = p.networks.find((r) => r.id === n.id)?.roundRatios ?? [];
      return `${p.threads} thread(s) ${rs.map((x) => (x.predict ? `${sig(x.predict, 2)}x` : '—')).join(', ')}`;
    }).join('; ')}`).join('; ') + '.', '');

  for (const n of nets) {
    const some = passes.map((p) => p.networks.find((r) => r.id === n.id)).find(Boolean);
    out.push(`### ${n.title}`, '');
    if (some?.params) {
      out.push(`Input 1×${n.inputShape.join('×')}; ${some.layers} layers, ${(some.params / 1e6).toFixed(2)} M parameters, ` +
        `${sig(some.weightBytes / 2 ** 20)} MiB of float32 weights.` +
        (some.tfjsTop ? ` tfjs's top class on the seeded input: ${some.tfjsTop.index} (p = ${sig(some.tfjsTop.probability, 2)}).` : ''), '');
    }
    const header = ['library', 'threads', 'predict median ms', 'min–max ms', 'CPU/wall', 'load ms', 'first predict ms', 'outputs vs tfjs'];
    out.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
    for (const lib of libs) {
      for (const pass of passes) {
        const row = pass.networks.find((r) => r.id === n.id);
        const c = row?.cells?.[lib];
        if (!c || c.error || !c.predict) {
          out.push(`| ${LIB_NAMES[lib]} | ${threadsText(pass, lib)} | ${cell(why(pass, row, lib))} |${' — |'.repeat(header.length - 3)}`);
          continue;
        }
        const p = c.predict;
        out.push(`| ${LIB_NAMES[lib]} | ${threadsText(pass, lib)} | ${sig(p.medianMs)} | ${sig(p.minMs)}–${sig(p.maxMs)} | ${sig(p.cpuPerWall, 2)} | ` +
          `${sig(c.load.medianMs)} | ${sig(c.firstPredict.medianMs)} | ${lib === 'tfjs' ? 'reference' : checkText(c)} |`);
      }
    }
    out.push('');
  }

  out.push('How these numbers are made:', '');
  out.push(
    '- predict: batch 1, end to end as a user\'s loop runs it: the input tensor made from a `Float32Array` ' +
      '(`torch.tensor(x, shape)` / `tf.tensor(x, shape)`), `model.predict`, the output read back (`dataSync()`), both tensors disposed. ' +
      `Warm-up (each library ≥ 3 calls and ≥ 200 ms), then one call per sample, the two libraries taking turns (A B, B A, ...) so the ` +
      `machine's drift hits both alike, until each has spent ${options.budgetMs} ms in calls (at least 7 samples); median and min–max.`,
    `- load: each library loads its own fresh copy of the artifacts ${options.loads} times per pass (the libraries take turns); ` +
      'load = until the loader\'s promise resolves; first predict = the first `predict` of that model (one call, the output read back), ' +
      'which includes whatever each library leaves to first use (nnwasm folds BatchNorm and packs its weights at load and its first load in a process runs each kind of built-in layer on zeros: convolutions 8 times on a small input, the others at their batch-1 shape; ' +
      'tfjs-backend-wasm sets up its XNNPACK operators on first use). Medians over the loads.',
    `- Each network and thread count ran ${options.rounds} time(s) (a fresh process each), the thread order reversed every other round; ` +
      'the tables show the round whose predict medians sum lowest, all columns from that round.',
    `- outputs: the softmax of the last model each library loaded, on the same seeded input; ✓ = max |nnwasm − tfjs| ≤ ${TOLERANCE} × max |tfjs|.`,
    '',
  );
  return out.join('\n');
}

function threadsText(pass, lib) {
  const used = lib ? pass.setups?.[lib]?.threadsUsed : undefined;
  return used === undefined || used === pass.threads ? `${pass.threads}` : `${pass.threads} (used ${used})`;
}
