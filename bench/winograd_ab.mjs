// Same-process A/B of the 3x3 stride-1 convolution paths: nnwasm's direct
// IGEMM (setWinograd(false)), its Winograd kernel (setWinograd(true)) and
// tfjs-backend-wasm's fused conv2d (XNNPACK), alternated round by round on
// the same inputs, on ResNet-18's and the U-Net decoder's 3x3 stride-1
// layers (bench/sweep/layers.mjs), channels last, batch 1, bias + relu.
// Effective GFLOP/s = 2 * H * W * Cout * Cin * 9 / time (the direct
// algorithm's count, whatever runs). Also the error of both nnwasm paths
// against float64 on a sample of outputs (max |error| / max |ref|).
// --nchw: nnwasm runs torch's conv2d (channels first, bias, no activation)
// instead; tfjs still runs channels last (its only layout).
//   node bench/winograd_ab.mjs [--threads 1|2] [--rounds 8] [--only 56x56] [--nchw]
import os from 'node:os';
import path from 'node:path';
import { enableTfjsWasmThreadsInNode } from './libs/tfjs-node-threads.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : process.argv[i + 1];
};
const threads = Number(arg('threads', 1));
const rounds = Number(arg('rounds', 8));
const only = arg('only', null);
const nchw = process.argv.includes('--nchw');

const LAYERS = [
  // ResNet-18's 3x3 stride-1 convolutions, one per stage.
  ['resnet18 56x56 64->64', 56, 64, 64], ['resnet18 28x28 128->128', 28, 128, 128],
  ['resnet18 14x14 256->256', 14, 256, 256], ['resnet18 7x7 512->512', 7, 512, 512],
  // The U-Net decoder's: after each concatenation, then after the first.
  ['unet 28x28 512->256', 28, 512, 256], ['unet 28x28 256->256', 28, 256, 256],
  ['unet 56x56 256->128', 56, 256, 128], ['unet 56x56 128->128', 56, 128, 128],
  ['unet 112x112 128->64', 112, 128, 64], ['unet 112x112 64->64', 112, 64, 64],
].filter(([name]) => only === null || name.includes(only));

const nn = await import(new URL('../js/index.js', import.meta.url).href);
await nn.init({ threads });
const tf = await import('@tensorflow/tfjs-core');
const tfwasm = await import('@tensorflow/tfjs-backend-wasm');
let undo = () => {};
if (threads > 1) undo = enableTfjsWasmThreadsInNode(tf, path.join(os.tmpdir(), 'winograd-ab-tfjs'), threads);
tfwasm.setThreadsCount(threads);
await tf.setBackend('wasm');
await tf.ready();
undo();

const random = (n, seed) => {
  const v = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = (s >>> 8) / (1 << 24) * 2 - 1;
  }
  return v;
};

// Seconds per call: calls repeated for >= 40 ms.
function time(fn) {
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= 40) return dt / reps / 1000;
    reps = Math.max(reps * 2, Math.ceil(reps * 45 / Math.max(dt, 1)));
  }
}

// float64 reference of output (y, x, o), 'same' padding, then relu.
function refAt(x, w, b, hw, cin, cout, y, xx, o, relu) {
  let sum = b[o];
  for (let ky = 0; ky < 3; ky++) {
    const iy = y + ky - 1;
    if (iy < 0 || iy >= hw) continue;
    for (let kx = 0; kx < 3; kx++) {
      const ix = xx + kx - 1;
      if (ix < 0 || ix >= hw) continue;
      const xi = (iy * hw + ix) * cin, wi = (ky * 3 + kx) * cin * cout + o;
      for (let c = 0; c < cin; c++) sum += x[xi + c] * w[wi + c * cout];
    }
  }
  return relu ? Math.max(sum, 0) : sum;
}

const stats = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return { min: s[0], median: s[Math.floor(s.length / 2)] };
};

console.log(`threads ${threads}, ${rounds} rounds, nnwasm ${nchw ? 'torch conv2d NCHW' : 'Keras Conv2D NHWC'}; nnwasm ${nn.backend().build}, tfjs-backend-wasm ${tfwasm.getThreadsCount()} threads`);
console.log('layer | direct ms (min/med) | winograd ms | tfjs ms | eff. GFLOP/s direct / winograd / tfjs | winograd vs direct, vs tfjs | error direct, winograd');
for (const [name, hw, cin, cout] of LAYERS) {
  const xs = random(hw * hw * cin, 1), ws = random(9 * cin * cout, 2), bs = random(cout, 3);
  const x = nn.torch.tensor(xs, [1, hw, hw, cin]);
  const layer = new nn.keras.layers.Conv2D({ filters: cout, kernel_size: 3, padding: 'same', activation: 'relu' });
  layer.build([1, hw, hw, cin]);
  const wt = nn.torch.tensor(ws, [3, 3, cin, cout]), bt = nn.torch.tensor(bs, [cout]);
  layer.set_weights([wt, bt]);
  // Channels first: the same numbers transposed, torch's weight layout.
  const tr = (a, rows, cols) => {
    const b = new Float32Array(a.length);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) b[j * rows + i] = a[i * cols + j];
    return b;
  };
  const xc = nn.torch.tensor(tr(xs, hw * hw, cin), [1, cin, hw, hw]);
  const oihw = new Float32Array(ws.length);  // (o, i, tap) from (tap, i, o)
  for (let t = 0; t < 9; t++) for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) oihw[(o * cin + i) * 9 + t] = ws[(t * cin + i) * cout + o];
  const wo = nn.torch.tensor(oihw, [cout, cin, 3, 3]);
  const apply = nchw ? () => nn.torch.nn.functional.conv2d(xc, wo, bt, 1, 1) : () => layer.apply(x);
  const run = (on) => {
    nn.setWinograd(on);
    const y = apply();
    const d = y.data;
    y.dispose();
    return d;
  };
  const yd = run(false), yw = run(true);
  const tx = tf.tensor(xs, [1, hw, hw, cin]), tw = tf.tensor(ws, [3, 3, cin, cout]), tb = tf.tensor(bs, [cout]);
  const tfRun = () => tf.fused.conv2d({ x: tx, filter: tw, strides: 1, pad: 'same', bias: tb, activation: 'relu' }).dispose();
  tfRun();
  const times = { direct: [], winograd: [], tfjs: [] };
  for (let r = 0; r < rounds; r++) {
    nn.setWinograd(false);
    times.direct.push(time(() => apply().dispose()));
    nn.setWinograd(true);
    times.winograd.push(time(() => apply().dispose()));
    times.tfjs.push(time(tfRun));
  }
  // Error on 1500 sampled outputs.
  // (the reference is channels last with relu; channels first: no relu, transposed back)
  const back = (y) => (nchw ? tr(y, cout, hw * hw) : y);
  const yd2 = back(yd), yw2 = back(yw);
  let errD = 0, errW = 0, mag = 0;
  let s = 12345;
  for (let i = 0; i < 1500; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const at = s % (hw * hw * cout), o = at % cout, p = (at - o) / cout;
    const want = refAt(xs, ws, bs, hw, cin, cout, Math.floor(p / hw), p % hw, o, !nchw);
    mag = Math.max(mag, Math.abs(want));
    errD = Math.max(errD, Math.abs(yd2[at] - want));
    errW = Math.max(errW, Math.abs(yw2[at] - want));
  }
  const flops = 2 * hw * hw * cin * cout * 9;
  const st = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stats(v)]));
  const ms = (k) => `${(st[k].min * 1e3).toFixed(2)}/${(st[k].median * 1e3).toFixed(2)}`;
  const gf = (k) => (flops / st[k].min / 1e9).toFixed(1);
  console.log(`${name} | ${ms('direct')} | ${ms('winograd')} | ${ms('tfjs')} | ${gf('direct')} / ${gf('winograd')} / ${gf('tfjs')} | ` +
    `${(st.direct.min / st.winograd.min).toFixed(2)}x, ${(st.tfjs.min / st.winograd.min).toFixed(2)}x | ` +
    `${(errD / mag).toExponential(1)}, ${(errW / mag).toExponential(1)}`);
  x.dispose(); xc.dispose(); wo.dispose(); wt.dispose(); bt.dispose(); layer.dispose?.();
  tx.dispose(); tw.dispose(); tb.dispose();
}
// tfjs-backend-wasm's workers would keep Node alive; exit once stdout is written.
process.stdout.write('', () => process.exit(0));
