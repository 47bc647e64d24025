// The "## First calls" Markdown section: per case and thread count, each
// library's 1st and 10th call, their ratio, and the issue's bar for nnwasm:
// its 1st call within 2x of its 10th, and not slower than tfjs's 1st.
import { CASES } from './networks.mjs';

const LIB_NAMES = { nnwasm: 'nnwasm', 'nnwasm-nowarmup': 'nnwasm, load_model { warmup: false }', tfjs: 'tfjs-layers on tfjs-backend-wasm' };

function sig(x, digits = 3) {
  if (x === undefined || x === null || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(decimals, 6));
}
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');

// Largest |a - b| over the sampled outputs, relative to max |b|.
function sampleDiff(a, b) {
  if (!a || !b || a.length !== b.length) return null;
  let d = 0;
  for (let i = 0; i < a.values.length; i++) d = Math.max(d, Math.abs(a.values[i] - b.values[i]));
  return d / (b.maxAbs || 1);
}

/** @param {{ cells: object[], options: object, seconds: number }} results from runFirstCalls */
export function firstCallSection(results) {
  const { cells, options } = results;
  const out = ['## First calls', ''];
  out.push(
    'The 1st and the 10th call of one Keras `Conv2D` layer and of four whole networks, each library in a fresh Node process ' +
    '(V8\'s default tiering: WebAssembly first runs from a quick baseline compile and is optimised once it has run a while; no warm-up). ' +
    'Before call 1 each library is set up and, untimed in the calls, builds the layer and sets its weights (`build` + `set_weights` / ' +
    '`build` + `setWeights`) or loads the model from the same layers-model artifacts (`keras.models.load_model` / `tf.loadLayersModel`). ' +
    'A call: the input tensor(s) made from `Float32Array`s, `apply` / `predict`, the output read back (`dataSync`), everything disposed. ' +
    `Each cell ran in ${options.rounds} fresh process(es), keeping the one with the lowest 1st call. ` +
    'Bar (issue 13): nnwasm\'s 1st call within 2x of its 10th, and not slower than tfjs\'s 1st. ' +
    '`load_model` runs each kind of built-in layer on zeros before it returns (its default; kinds already run in the process are skipped): ' +
    'fused convolutions and packed layers 8 times on a small input, every other built-in layer once or a few times at its batch-1 shape; ' +
    'the `{ warmup: false }` rows show the first predict without those runs (BatchNorm folded and weights packed at load all the same). ' +
    `The run took ${sig(results.seconds, 2)} s (bench/firstcall/run.mjs; raw numbers in bench/.build/firstcall-results.json).`,
    '',
  );
  const header = ['case', 'threads', 'library', 'setup ms (build + weights / load)', '1st call ms', '10th call ms', '1st / 10th', 'calls 1-10 ms', 'bar'];
  out.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  const threadCounts = [...new Set(cells.map((c) => c.threads))].sort((a, b) => a - b);
  for (const c of CASES) {
    for (const threads of threadCounts) {
      const here = cells.filter((x) => x.case === c.id && x.threads === threads);
      if (!here.length) continue;
      const ours = here.find((x) => x.lib === 'nnwasm');
      const peer = here.find((x) => x.lib === 'tfjs');
      for (const lib of ['nnwasm', 'nnwasm-nowarmup', 'tfjs']) {
        const r = here.find((x) => x.lib === lib);
        if (!r) continue;
        const used = r.setup?.threadsUsed;
        const th = used === undefined || used === threads ? `${threads}` : `${threads} (used ${used})`;
        if (r.error || r.calls.length < 10) {
          out.push(`| ${cell(c.title)} | ${th} | ${LIB_NAMES[lib]} | ${cell(`error: ${(r.error ?? 'too few calls').split('\n')[0]}`)} | — | — | — | — | — |`);
          continue;
        }
        const [first, tenth] = [r.calls[0], r.calls[9]];
        let bar = '—';
        if (lib.startsWith('nnwasm')) {
          const within = first <= 2 * tenth;
          const notSlower = peer && !peer.error && peer.calls.length ? first <= peer.calls[0] : null;
          const diff = peer && !peer.error ? sampleDiff(r.sample, peer.sample) : null;
          bar = `${within ? '✓' : '✗'} ≤ 2x steady; ${notSlower === null ? '—' : notSlower ? '✓' : '✗'} ≤ tfjs 1st` +
            (diff === null ? '' : `; outputs ${diff <= 1e-4 ? '✓' : '✗'} (${diff.toExponential(1)} rel.)`);
        }
        out.push(`| ${cell(c.title)} | ${th} | ${LIB_NAMES[lib]} | ${sig(r.prepareMs)} | ${sig(first)} | ${sig(tenth)} | ${sig(first / tenth, 2)}x | ` +
          `${r.calls.slice(0, 10).map((t) => sig(t, 2)).join(', ')} | ${bar} |`);
      }
      void ours;
    }
  }
  out.push('', 'Every round\'s 1st call (ms): ' + cells.map((c) => `${c.case} ${c.lib} x${c.threads}: ${c.roundFirsts.map((t) => sig(t, 2)).join(', ')}`).join('; ') + '.', '');
  return out.join('\n');
}
