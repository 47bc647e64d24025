// Same-process A/B of the pointwise (1x1 conv) and Dense layers: two or more
// nnwasm checkouts (each its own js/index.js, so its own wasm instance) beside
// tfjs-backend-wasm and onnxruntime-web, on the layer sweep's shapes, calls
// alternating library by library, round after round.
//
//   node bench/pointwise_ab.mjs --threads 2 --nn old=/work/main,new=. [--rounds 9] [--only expand,Dense]
//     [--peers tfjs,ort] [--kinds pointwise,dense,depthwise,conv]
//
// Prints per layer: min and median ms per call of each library over the
// rounds (each round: calls repeated for ~25 ms after a pause that lets the
// other libraries' spinning workers park). --clock cpu (the default at 1
// thread): process CPU time per call; wall (default at 2+): wall time;
// call: every call timed alone, min / 10th percentile / median.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALL_LAYERS, makeLayerInputs } from './sweep/layers.mjs';
import { setupLib, prepareLib } from './sweep/adapters.mjs';
import { relayout } from './workloads.mjs';
import { weightAs } from './libs/common.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : process.argv[i + 1];
};
const threads = Number(arg('threads', '1'));
const rounds = Number(arg('rounds', '9'));
const only = arg('only', '');
const kinds = arg('kinds', 'pointwise,dense').split(',');
const peers = arg('peers', 'tfjs,ort').split(',').filter(Boolean);
const checkouts = arg('nn', 'old=/work/main,new=.').split(',').map((s) => {
  const [label, dir] = s.split('=');
  return { label, dir: path.resolve(dir) };
});
// cpu: the process's CPU time per call (user + system), which a loaded
// machine's descheduling does not inflate; meaningful at 1 thread only.
const clock = arg('clock', threads === 1 ? 'cpu' : 'wall');
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The sweep's 1x1 and Dense layers, plus Dense at batch 2/3/4/64.
const denseAt = (batch, cin, units) => ({
  id: `extra/dense-${batch}x${cin}-${units}`, name: `Dense (${batch},${cin})->${units}`, kind: 'dense', layout: 'NC',
  inputShape: [batch, cin], op: { type: 'dense', units, bias: true },
});
const layers = [
  ...ALL_LAYERS.filter((l) => kinds.includes(l.kind)),
  denseAt(2, 1280, 1000), denseAt(3, 1280, 1000), denseAt(4, 1280, 1000), denseAt(64, 1024, 1000),
].filter((l) => !only || only.split(',').some((o) => l.name.includes(o) || l.id.includes(o)));

async function nnVariant(nn, l, inputs) {
  const { torch, keras } = nn;
  const owned = [];
  const keep = (t) => { owned.push(t); return t; };
  const op = l.op;
  const x = keep(torch.tensor(inputs.input, inputs.inputShape));
  let layer;
  if (op.type === 'dense') {
    const k = relayout(inputs.weight, inputs.weightShape, 'OI', 'IO');
    layer = new keras.layers.Dense({ units: op.units, use_bias: true });
    layer.build(inputs.inputShape);
    layer.set_weights([keep(torch.tensor(k.data, k.shape)), keep(torch.tensor(inputs.bias, [op.units]))]);
  } else if (op.groups > 1) {
    const k = weightAs(inputs, 'HWOI');
    layer = new keras.layers.DepthwiseConv2D({ kernel_size: op.kernel, strides: op.stride, padding: op.padding, use_bias: true });
    layer.build(inputs.inputShape);
    layer.set_weights([keep(torch.tensor(k.data, k.shape)), keep(torch.tensor(inputs.bias, [op.filters]))]);
  } else {
    const k = relayout(inputs.weight, inputs.weightShape, 'OIHW', 'HWIO');
    layer = new keras.layers.Conv2D({ filters: op.filters, kernel_size: op.kernel, strides: op.stride, padding: op.padding, use_bias: true });
    layer.build(inputs.inputShape);
    layer.set_weights([keep(torch.tensor(k.data, k.shape)), keep(torch.tensor(inputs.bias, [op.filters]))]);
  }
  layer.apply(x).dispose();
  return {
    run: () => layer.apply(x).dispose(),
    output: () => { const y = layer.apply(x); const d = y.data.slice(); y.dispose(); return d; },
    dispose: () => owned.forEach((t) => t.dispose()),
  };
}

const libs = [];
for (const c of checkouts) {
  const nn = await import(pathToFileURL(path.join(c.dir, 'js', 'index.js')).href);
  await nn.init({ threads });
  libs.push({ label: c.label, info: nn.backend().build, prepare: (l, inputs) => nnVariant(nn, l, inputs) });
}
for (const p of peers) {
  const info = await setupLib(p, { threads, scratchDir: '/tmp/pointwise-ab' });
  libs.push({ label: p, info: info.build, prepare: async (l, inputs) => (await prepareLib(p, l, inputs))[0] });
}
console.log(`threads ${threads}, clock ${clock}; ${libs.map((b) => `${b.label}: ${b.info}`).join('; ')}`);

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
for (const l of layers) {
  const inputs = makeLayerInputs(l);
  const vs = [];
  for (const b of libs) vs.push(await b.prepare(l, inputs));
  // Outputs must agree with the first library's.
  const ref = await vs[0].output();
  for (let i = 1; i < vs.length; i++) {
    const o = await vs[i].output();
    let worst = 0;
    for (let j = 0; j < ref.length; j++) worst = Math.max(worst, Math.abs(o[j] - ref[j]) / (1 + Math.abs(ref[j])));
    if (!(worst < 1e-4)) console.log(`  ${libs[i].label} differs from ${libs[0].label} by ${worst}`);
  }
  const times = vs.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? vs.map((_, i) => i) : vs.map((_, i) => vs.length - 1 - i);
    for (const i of order) {
      await sleep(5);
      const v = vs[i];
      await v.run();
      let n = 0;
      const t0 = performance.now();
      const c0 = cpuMs();
      let t = t0;
      if (clock === 'call') {
        // Each call timed alone: on a loaded machine the fastest calls are
        // the ones no other process interrupted.
        while (t - t0 < 25 || n < 3) {
          const a = performance.now();
          if (v.isAsync) await v.run(); else v.run();
          t = performance.now();
          times[i].push(t - a);
          n++;
        }
        continue;
      } else if (v.isAsync) {
        while (t - t0 < 25 || n < 3) { await v.run(); n++; t = performance.now(); }
      } else {
        while (t - t0 < 25 || n < 3) { v.run(); n++; t = performance.now(); }
      }
      times[i].push(clock === 'cpu' ? (cpuMs() - c0) / n : (t - t0) / n);
    }
  }
  const q = (a, f) => { const s2 = [...a].sort((x, y) => x - y); return s2[Math.floor(f * (s2.length - 1))]; };
  const cells = libs.map((b, i) => (clock === 'call'
    ? `${b.label} ${q(times[i], 0).toFixed(3)}/${q(times[i], 0.1).toFixed(3)}/${median(times[i]).toFixed(3)}`
    : `${b.label} ${Math.min(...times[i]).toFixed(3)}/${median(times[i]).toFixed(3)}`));
  console.log(`${l.id.padEnd(34)} ${l.name.padEnd(34)} ${cells.join('  ')}`);
  vs.forEach((v) => v.dispose());
}
process.exit(0);
