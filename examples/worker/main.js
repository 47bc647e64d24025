// The page side of the worker example: sends tensors to the nnwasm worker,
// shows what comes back. window.workerExample records every call's input,
// arguments and output (tests/e2e/worker.spec.mjs checks them).
import { nnwasmWorker } from './client.js';

const state = { info: null, calls: [], done: false, error: null };
window.workerExample = state;
const $ = (id) => document.getElementById(id);

// mulberry32: a seeded input the test can rebuild.
function seeded(n, seed) {
  let s = seed >>> 0;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    v[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  }
  return v;
}

const tensor = (data, shape) => ({ data: Float32Array.from(data), shape });
const arange = (n) => Array.from({ length: n }, (_, i) => i);

const CALLS = [
  { label: 'adaptive_avg_pool1d([1, 2, 3, 4], 2)', fn: 'adaptive_avg_pool1d', input: tensor([1, 2, 3, 4], [1, 1, 4]), args: [2] },
  { label: 'avg_pool1d([1..7], 3, stride 2)', fn: 'avg_pool1d', input: tensor([1, 2, 3, 4, 5, 6, 7], [1, 1, 7]), args: [3, 2] },
  { label: 'max_pool2d(0..15 as 4×4, 2, return_indices)', fn: 'max_pool2d', input: tensor(arange(16), [1, 1, 4, 4]),
    args: [2, { return_indices: true }] },
  { label: 'adaptive_avg_pool1d(seeded (4, 64, 2048), 8)', fn: 'adaptive_avg_pool1d', input: tensor(seeded(4 * 64 * 2048, 1), [4, 64, 2048]),
    args: [8] },
  { label: 'conv2d(seeded (1, 8, 64, 64), seeded weight (16, 8, 3, 3), padding 1)', fn: 'conv2d',
    input: tensor(seeded(8 * 64 * 64, 2), [1, 8, 64, 64]), args: [tensor(seeded(16 * 8 * 9, 3), [16, 8, 3, 3]), null, 1, 1] },
];

// Tensors inside args go to the worker as nested arrays (any op accepts them).
function nested({ data, shape }) {
  const build = (off, d) => (d === shape.length ? data[off]
    : Array.from({ length: shape[d] }, (_, i) => build(off * shape[d] + i, d + 1)));
  return build(0, 0);
}
const plainArg = (a) => (a && a.data instanceof Float32Array ? nested(a) : a);

function addRow(call, output, ms) {
  const tr = document.createElement('tr');
  const outs = Array.isArray(output) ? output : [output];
  const cells = [call.label, outs.map((o) => `[${o.shape}]`).join(' + '),
    outs.map((o) => Array.from(o.data.slice(0, 4), (v) => +v.toFixed(4)).join(', ') + (o.data.length > 4 ? ', …' : '')).join(' | '),
    ms.toFixed(1)];
  for (const [i, text] of cells.entries()) {
    const td = document.createElement('td');
    td.textContent = text;
    if (i === 2) td.className = 'values';
    tr.append(td);
  }
  $('rows').append(tr);
}

async function main() {
  const nn = nnwasmWorker();
  const info = await nn.init();
  state.info = info;
  $('backend').textContent = `worker: nnwasm ${info.build}, ${info.threads} thread${info.threads === 1 ? '' : 's'} (${info.reason})`;
  for (const call of CALLS) {
    const t0 = performance.now();
    const output = await nn.call(call.fn, call.input, ...call.args.map(plainArg));
    const ms = performance.now() - t0;
    state.calls.push({ label: call.label, fn: call.fn, input: call.input, args: call.args, output });
    addRow(call, output, ms);
  }
  // An error inside the worker comes back as a rejected promise; the worker stays usable.
  try {
    await nn.call('adaptive_avg_pool1d', tensor([1, 2, 3, 4], [4]), 2);
  } catch (e) {
    state.workerError = e.message;
  }
  state.afterError = await nn.call('adaptive_avg_pool1d', tensor([1, 2, 3, 4], [1, 1, 4]), 1);
  state.done = true;
}

main().catch((e) => {
  state.error = String(e?.message ?? e);
  $('error').hidden = false;
  $('error').textContent = `Something failed: ${state.error}`;
  console.error(e);
});
